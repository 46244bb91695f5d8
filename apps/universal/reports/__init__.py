"""Official outputs of PCGD–XMC: the report as a PDF and as an Excel workbook.

``document`` holds the format-free model of an administrative document,
``pdf`` and ``xlsx`` render it, ``pcgd`` fills it from the engine's results.
"""
