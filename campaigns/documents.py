"""Document kinds of the campaigns app (meeting notice, campaign summary)."""
