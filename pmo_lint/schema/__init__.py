"""JSON Schema: export from the models, and validation with located errors."""
