"""Decisions: the pricing simulator (a price book applied to the company's own history) and the
recommendations, each with its dollar impact.

Layer 5: imports the model, inputs and the scenario layer.
"""
