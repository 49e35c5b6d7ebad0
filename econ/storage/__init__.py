"""Storage: uploaded datasets kept on disk under their content hash, so a link finds them again.

Layer 3: imports inputs (to load what it stores) and the scenario layer (links).
"""
