"""Customer retention models for a contractual (subscription) setting: how many customers of a
cohort are still paying after t periods, and what a customer's remaining lifetime is worth.

- :mod:`.sbg`: the shifted-beta-geometric (sBG) model of Fader & Hardie (2007), fitted by
  maximum likelihood to one cohort or several, and the discounted expected (residual) lifetimes
  of Fader & Hardie (2010) built on it.
"""
