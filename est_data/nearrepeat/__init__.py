"""Near repeats: the Knox test on the filtered incidents (:mod:`.knox`, its data in
:mod:`.data`, its Swedish explanation in :mod:`.explain`) and the near-repeat warning
of Översikt and Mötesläge (:mod:`.warning`)."""
