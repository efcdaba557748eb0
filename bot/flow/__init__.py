"""The registration flow: a pure state machine over conversation data (see engine.step)."""
