"""Trygghetsvandringar: the safety walks the partners make together, and every finding
followed until it is fixed.

``model`` holds the finding types and statuses and validates input, ``store`` records
walks and findings (a finding marked fixed becomes a measure in the log, so Före/efter can
evaluate it), ``report`` writes the printable walk report.
"""
