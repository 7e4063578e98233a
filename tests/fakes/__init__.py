"""Protocol emulators that run as real servers on 127.0.0.1; usable for demos too."""
