"""Sourced knowledge base: content, schema, loader and search shared by actions and gateway."""
