"""The invoice PDF ("Include PDF copy"): render.render_invoice_pdf is the one entry point.

Its texts are translated in exports/locale (et, fi, sv; English is the source), with the message
context "invoice pdf" so that no portal translation of the same English word changes the invoice.
That catalogue holds the PDF's texts only: exports/pdf/context.py and
templates/invoices/invoice_pdf.html. To refresh it after changing a label, run makemessages over just
those files, e.g. from a scratch directory holding the links ``pdf`` -> exports/pdf, ``templates`` ->
templates/invoices and ``locale`` -> exports/locale:

    manage.py makemessages -l et -l fi -l sv --symlinks --no-location --no-wrap --ignore pdf/models.py

and translate the new entries (tests/pdf/test_language.py fails while one is missing). The compiled .mo
files are not in git; ``manage.py compilemessages`` makes them.
"""
