"""Keeping an index in step with the database through the outbox.

`enqueue()` is called by the operations that change what is public (publish, correct, withdraw),
inside their transaction, so the outbox row commits or rolls back with the change itself. An
`Indexer` reads the outbox from its own position onwards and re-reads each named row from the
database, so applying an entry twice, or out of order, gives the same index: a crash anywhere
loses nothing, the next pass replays from the stored position.

Ids come from a sequence; on PostgreSQL a transaction that started earlier can commit a lower id
after a higher one was read. Missing ids below the position are therefore remembered as gaps and
read again on later passes, until they appear or GAP_SECONDS pass (a rolled-back transaction
leaves a gap forever).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.search import documents
from portal.search.backends.base import IndexBusy, IndexOutdated, SearchBackend
from portal.search.models import SearchOutbox

GAP_SECONDS = 300
BATCH = 1000
SESSION_FLAG = "search_outbox_written"
log = logging.getLogger(__name__)


def enqueue(kind: str, ref_id: int) -> None:
    """Record, in the current transaction, that a searchable thing changed."""
    db.session.add(SearchOutbox(kind=kind, ref_id=ref_id))
    db.session.info[SESSION_FLAG] = True


@dataclass
class PassResult:
    """What one pass applied."""

    entries: int = 0
    upserts: int = 0
    deletes: int = 0
    busy: bool = False
    outdated: str = ""  # the index must be rebuilt first (IndexOutdated's message)


class Indexer:
    """Applies the outbox to one backend's index; its position lives beside the index."""

    def __init__(self, backend: SearchBackend, engine):
        self.backend = backend
        self.engine = engine
        self.state_path = Path(backend.path) / "position.json"
        self.lock_path = Path(backend.path) / "indexer.lock"
        self._thread_lock = threading.Lock()
        self._dirty = threading.Event()

    # -- state -----------------------------------------------------------------------------------

    def state(self) -> dict:
        try:
            data = json.loads(self.state_path.read_text())
        except (FileNotFoundError, ValueError):
            data = {}
        return {"position": int(data.get("position", 0)),
                "gaps": {int(k): float(v) for k, v in data.get("gaps", {}).items()}}

    def _save(self, state: dict) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"position": state["position"],
                                   "gaps": {str(k): v for k, v in state["gaps"].items()}}))
        os.replace(tmp, self.state_path)

    @contextmanager
    def _exclusive(self, wait: bool):
        """One indexer per index: threads of this process, and other processes."""
        if not self._thread_lock.acquire(blocking=wait):
            yield False
            return
        try:
            with open(self.lock_path, "a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    # -- applying --------------------------------------------------------------------------------

    def apply_pending(self, wait: bool = False) -> PassResult:
        """Apply every outbox entry not yet in the index; returns at once if another is busy."""
        total = PassResult()
        self._dirty.set()
        while self._dirty.is_set():
            with self._exclusive(wait) as mine:
                if not mine:
                    total.busy = True
                    return total
                self._dirty.clear()
                while True:
                    result = self._one_batch()
                    total.entries += result.entries
                    total.upserts += result.upserts
                    total.deletes += result.deletes
                    if result.busy:
                        total.busy = True
                        total.outdated = result.outdated
                        return total
                    if result.entries < BATCH:
                        break
        return total

    def _one_batch(self) -> PassResult:
        state = self.state()
        position, gaps = state["position"], state["gaps"]
        low = min([position, *(g - 1 for g in gaps)])
        with Session(self.engine) as session:
            rows = session.execute(
                db.select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.ref_id)
                .where(SearchOutbox.id > low).order_by(SearchOutbox.id).limit(BATCH)).all()
            fresh = [r for r in rows if r.id > position or r.id in gaps]
            result = PassResult(entries=len(fresh))
            if fresh:
                try:
                    result.upserts, result.deletes = self._apply(session, fresh)
                except IndexBusy:
                    return PassResult(busy=True)
                except IndexOutdated as error:  # kept in the outbox until `search rebuild`
                    log.error("%s", error)
                    return PassResult(busy=True, outdated=str(error))
        seen = {r.id for r in rows}
        now = time.time()
        new_position = max([position, *seen])
        for missing in range(position + 1, new_position):
            if missing not in seen:
                gaps.setdefault(missing, now)
        gaps = {g: t for g, t in gaps.items() if g not in seen and now - t < GAP_SECONDS}
        if fresh or gaps != state["gaps"] or new_position != position:
            self._save({"position": new_position, "gaps": gaps})
        return result

    def _apply(self, session, rows) -> tuple[int, int]:
        item_ids = {r.ref_id for r in rows if r.kind == "item"}
        items = documents.load_items(session, item_ids)
        catalogue = documents.Catalogue(session, [i.site_id for i in items])
        upserts = [documents.build_doc(i, catalogue) for i in items if documents.is_searchable(i)]
        live = {d.id for d in upserts}
        deletes = [documents.doc_id("item", i) for i in sorted(item_ids)
                   if documents.doc_id("item", i) not in live]
        self.backend.apply(upserts, deletes)
        return len(upserts), len(deletes)

    def lag(self) -> int:
        """Outbox entries not yet applied (those past the position, and filled gaps)."""
        state = self.state()
        with Session(self.engine) as session:
            return session.scalar(db.select(db.func.count(SearchOutbox.id)).where(
                db.or_(SearchOutbox.id > state["position"],
                       SearchOutbox.id.in_(list(state["gaps"])))))

    # -- rebuilding and checking -----------------------------------------------------------------

    def rebuild(self, progress=None) -> int:
        """Empty the index and index every public item again; returns the count."""
        with self._exclusive(wait=True), Session(self.engine) as session:
            # Changes committed while rebuilding are replayed afterwards from this position.
            start = session.scalar(db.select(db.func.max(SearchOutbox.id))) or 0
            self.backend.clear()
            count = 0
            for ids in documents.public_item_ids(session):
                items = documents.load_items(session, ids)
                catalogue = documents.Catalogue(session, [i.site_id for i in items])
                self.backend.apply([documents.build_doc(i, catalogue) for i in items], [])
                count += len(items)
                session.expunge_all()
                if progress:
                    progress(len(items))
            self._save({"position": start, "gaps": {}})
        return count

    def check(self) -> dict[str, list[str]]:
        """Differences between the database and the index: missing, extra and stale ids."""
        with Session(self.engine) as session:
            expected = documents.item_revisions(session)
        actual = self.backend.revisions()
        return {
            "missing": sorted(set(expected) - set(actual)),
            "extra": sorted(set(actual) - set(expected)),
            "stale": sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k]),
        }

    def reset(self) -> None:
        """Forget everything (tests): an empty index at position 0."""
        with self._exclusive(wait=True):
            self.backend.clear()
            self.state_path.unlink(missing_ok=True)


def install_after_commit(session_class, indexer_for) -> None:
    """Apply the outbox right after a commit that wrote to it (single-process deployments)."""

    @event.listens_for(session_class, "after_commit")
    def _after_commit(session):
        if session.info.pop(SESSION_FLAG, False):
            indexer = indexer_for()
            if indexer is not None:
                indexer.apply_pending()

    @event.listens_for(session_class, "after_soft_rollback")
    def _after_rollback(session, previous_transaction):
        session.info.pop(SESSION_FLAG, None)
