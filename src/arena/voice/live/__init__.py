"""Live agent conversations: the event vocabulary, the bridge, recording and turn timing."""
