/** Exit codes the shell itself reports when a probe's command cannot be run at all. */
export const SHELL_EXIT_NOT_EXECUTABLE = 126;
export const SHELL_EXIT_NOT_FOUND = 127;
