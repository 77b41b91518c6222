"""Trainer and reader deliverables: agenda, handouts, handbook, student bundle, forms, app."""
