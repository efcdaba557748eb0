"""Channel adapters: they parse an update, run the core, and render its replies."""
