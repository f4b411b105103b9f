"""Rapportera: a partner's report straight into the common database, from a phone.

``model`` validates what the form gives (category, time, place, description), ``place``
puts it on the map (a click, an address, or an area) and checks that it lies in the
municipality, ``store`` writes it as an incident (one transaction, audited, duplicate
search as on import) and lets its reporter correct or withdraw it for 24 hours.
"""
