"""Modal screens: questions, the kernel picker, the stdin prompt, the help."""
