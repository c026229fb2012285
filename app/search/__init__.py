"""Full-text search over everything the signed-in account may see.

How it works
------------
Every searchable record is one row of ``search_docs`` (its source, its id in the source's own table, kind,
date, title and the text split by tier) plus the students it is about (``search_doc_students``). The text is
indexed in two contentless FTS5 tables: ``search_fts`` (title + ordinary text) and ``search_fts_conf``
(confidential text, queried only when ``policy.can_read_confidential``). Chinese is indexed as character
bigrams so that two-character queries match (see ``app.search.tokens``). A head teacher (``class_scope``) finds
only records about a student of their class and sees only those students.

The hook for other capabilities (e.g. crisis)
---------------------------------------------
1. Write your documents in the same transaction as your record::

       from app.search import Document, put, remove
       put(session.db, Document(source="crisis", ref_id=case_id, kind="crisis", kind_label="危机个案",
                                at="2026-10-11T09:30", title="...", ordinary="summary a head teacher may read",
                                confidential="counselor-only notes", student_ids=[student_id]))
       remove(session.db, "crisis", case_id)          # on a (soft) delete: the record is found no more

   ``put`` replaces an earlier document of the same (source, ref_id); ``put_many`` bulk-inserts new ones.
2. Declare the source in your ``Capability`` (``app/<capability>/capability.py``)::

       from app.search import Source
       CAPABILITY = Capability(..., search=(("crisis", Source("危机干预", reindex=iter_documents)),))

   ``reindex(db)`` yields every live document; ``rebuild(db)`` uses it to rebuild the whole index.
3. A hit carries ``source`` and ``ref_id`` (``record_id`` in JSON): the window routes it to the page whose
   declaration (``ui/pages.py``) names the source, and that page's ``open_hit(hit)`` opens it; a source no page
   owns opens the student's archive.

``search(session, text)`` returns ``SearchHit`` objects, newest first, each with a snippet in which every match
is wrapped in ``MARK_START`` … ``MARK_END``.
"""
from app.search.index import Document, Source, put, put_many, rebuild, remove
from app.search.query import MARK_END, MARK_START, SearchHit, highlight, search

__all__ = ["MARK_END", "MARK_START", "Document", "SearchHit", "Source", "highlight", "put", "put_many", "rebuild",
           "remove", "search"]
