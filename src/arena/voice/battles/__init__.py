"""Battle modes: one module per mode (tts, stt, s2s, agent) plus the generic vote rules."""
