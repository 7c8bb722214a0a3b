"""Finvoice 3.0: the document of one invoice (``document``), its checks (``validation``), the official
schema when the portal is given it (``schema``), and the formats and references Finvoice uses."""
