"""Pure logic shared by both arenas: no web, database or provider imports."""
