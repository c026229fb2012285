"""Unsaved form input (drafts) of every form of the window, kept in the encrypted vault per account and form.

The window's one form mechanism (``ui/shell/forms.py``) saves a form's whole state here about a second after
typing stops and when the app locks or closes, restores it when the same form opens, and deletes it on save or a
confirmed discard. The 工作台 lists them (``未完成的记录``, ``app/drafts/workbench.py``).
"""
