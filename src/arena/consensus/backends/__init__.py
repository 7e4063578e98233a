"""Agent backends behind one interface: Cursor Cloud Agents, chat-completions models, local CLIs."""
