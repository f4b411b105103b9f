"""The questions every page asks of the merged incidents: the data span, the lookups, the
totals and counts with their change against the previous period, the area table
(:mod:`.queries`). Below the features, so maps, trends and the overview can all use it."""
