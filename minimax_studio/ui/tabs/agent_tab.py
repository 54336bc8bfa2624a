"""The Agent tab: conversations on the left, the open conversation's transcript and the
composer in the middle, the selected turn's results (one live player) on the right.

``app.tab_builders()`` names ``build_agent_tab``; it runs when a session opens and the window
calls ``shutdown()`` when the session closes. Other tabs reach it through
``open_conversation_for_job(job_id)`` (the Gallery's "Open conversation").
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.tabs.generate_tabs import _use_as_first_frame
from minimax_studio.ui.theme import restyle_tree
from minimax_studio.ui.widgets.agent_composer import AgentComposer
from minimax_studio.ui.widgets.agent_turn_delegate import ThumbCache, TurnDelegate
from minimax_studio.ui.widgets.agent_turn_detail import TurnDetail
from minimax_studio.ui.widgets.notifications import JobNotifications
from minimax_studio.viewmodels.agent_transcript_model import TurnRole
from minimax_studio.viewmodels.agent_vm import MEMORY_NOTE, AgentVM
from minimax_studio.viewmodels.conversation_list_model import ConversationRole

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.viewmodels.agent_turns import TurnView

__all__ = ["AgentTab", "build_agent_tab"]


class AgentTab(QWidget):
    #: job id — ask to show the conversation an agent result came from (the Gallery emits
    #: nothing itself: it calls ``open_conversation_for_job``; this signal lets others listen).
    conversationRequested = Signal(int)

    def __init__(self, vm: AgentVM, window: MainWindow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agentTab")
        self.vm = vm
        self._window = window
        self._undo_id: int | None = None
        self.thumbs = ThumbCache(vm.thumb_source, parent=self)

        # --- left: conversations ----------------------------------------------------------
        left = QWidget(self)
        self.new_button = QPushButton("New conversation", left)
        self.new_button.setObjectName("agentNew")
        self.new_button.setToolTip("New conversation (Ctrl+N)")
        self.new_button.clicked.connect(vm.new_conversation)
        self.search = QLineEdit(left)
        self.search.setObjectName("agentSearch")
        self.search.setPlaceholderText("Search conversations")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: vm.set_search(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.list = QListView(left)
        self.list.setObjectName("agentConversations")
        self.list.setModel(vm.conversations)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._list_menu)
        self.list.clicked.connect(self._conversation_clicked)
        self.list.activated.connect(self._conversation_clicked)
        self.empty_list = QLabel("No conversations yet. Write to the agent below to start one.", left)
        self.empty_list.setWordWrap(True)
        self.empty_list.setStyleSheet("color: palette(placeholder-text);")
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(self.new_button)
        ll.addWidget(self.search)
        ll.addWidget(self.list, 1)
        ll.addWidget(self.empty_list)

        # --- middle: transcript + composer --------------------------------------------------
        middle = QWidget(self)
        self.title = QLabel(middle)
        self.title.setObjectName("agentTitle")
        self.note = QLabel(MEMORY_NOTE, middle)
        self.note.setObjectName("agentMemoryNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.transcript = QListView(middle)
        self.transcript.setObjectName("agentTranscript")
        self.transcript.setModel(vm.transcript)
        self.delegate = TurnDelegate(self.thumbs, self.transcript)
        self.transcript.setItemDelegate(self.delegate)
        self.transcript.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.transcript.setResizeMode(QListView.ResizeMode.Adjust)
        # One pass is fine: a conversation opens with its newest page only (agent_vm.PAGE),
        # and each earlier page is laid out once, when it is read.
        self.transcript.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.transcript.setUniformItemSizes(False)
        self.transcript.setDragEnabled(True)
        self.transcript.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.transcript.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.transcript.selectionModel().currentChanged.connect(self._turn_selected)
        self._press_pos = QPoint(-1, -1)
        self.transcript.viewport().installEventFilter(self)  # where a click landed (thumbnails)
        self.transcript.clicked.connect(self._turn_clicked)
        self.transcript.doubleClicked.connect(self._turn_double_clicked)
        self.thumbs.ready.connect(self.transcript.viewport().update)
        # Near the top: read the earlier page; rows inserted above keep what is on screen.
        self._from_bottom: int | None = None
        self.transcript.verticalScrollBar().valueChanged.connect(self._scrolled)
        vm.transcript.rowsAboutToBeInserted.connect(self._before_insert)
        vm.transcript.rowsInserted.connect(self._after_insert)
        vm.transcript.dataChanged.connect(self._transcript_changed)
        self.bar = QWidget(middle)
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel(self.bar)
        self.message.setObjectName("agentMessage")
        self.message.setWordWrap(True)
        self.undo = QPushButton("Undo", self.bar)
        self.undo.setObjectName("agentUndo")
        self.undo.clicked.connect(self._undo)
        self.undo.setVisible(False)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.undo)
        self.composer = AgentComposer(vm, middle, thumbs=self.thumbs)
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        self.export_button = QPushButton("Export…", middle)
        self.export_button.setObjectName("agentExport")
        self.export_button.setToolTip("Export this conversation as a folder: transcript.md, the media files "
                                      "and requests.json")
        self.export_button.clicked.connect(self._export_current)
        head.addWidget(self.export_button)
        ml.addLayout(head)
        ml.addWidget(self.note)
        ml.addWidget(self.transcript, 1)
        ml.addWidget(self.bar)
        ml.addWidget(self.composer)

        # --- right: the selected turn -------------------------------------------------------
        self.detail = TurnDetail(self.thumbs, self, read_image=vm.read_image)
        self.detail.retryRequested.connect(vm.retry)
        self.detail.cancelRequested.connect(vm.cancel)
        self.detail.tryStep.connect(vm.show_try)
        self.detail.continueRequested.connect(self._continue_from)
        self.detail.firstFrameRequested.connect(lambda p: _use_as_first_frame(self._window, p))
        self.detail.referenceRequested.connect(self._use_as_reference)
        self.detail.saveRequested.connect(vm.save_copy)
        self.detail.message.connect(self.show_message)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([220, 520, 360])
        split.setChildrenCollapsible(False)
        self.splitter = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        for seq, slot in (("Ctrl+N", vm.new_conversation), ("Ctrl+V", self.composer.paste_from_clipboard)):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

        vm.message.connect(self.show_message)
        vm.deleted.connect(self._deleted)
        vm.conversationOpened.connect(self._opened)
        vm.currentChanged.connect(self._retitle)
        vm.turnSent.connect(self._select_row)
        vm.selectRow.connect(self._select_row)
        vm.conversations.modelReset.connect(self._list_reset)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.setInterval(12_000)
        self._message_timer.timeout.connect(self._clear_message)
        self.bar.setVisible(False)
        self._opened(-1)

    # --- public ---------------------------------------------------------------------------
    def open_conversation_for_job(self, job_id: int) -> None:
        """The Gallery's "Open conversation" (B2's detail pane calls this with the library
        item's ``job_id``): opens that conversation with its turn selected, and this tab
        comes forward."""
        self.conversationRequested.emit(job_id)
        self.vm.open_conversation_for_job(job_id)
        if self._window is not None and hasattr(self._window, "select_tab"):
            self._window.select_tab("Agent")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.undo.setVisible(False)
        self.bar.setVisible(bool(text))
        self._message_timer.start()

    def refresh(self) -> None:
        """F5: read the agent jobs again and reopen the conversation."""
        self.vm.jobs.stop()
        self.vm.jobs.start(self.vm.runner.spawn)

    def restyle(self) -> None:
        """After a live theme switch: style sheets re-resolved, cards repainted (their
        status colours are read from the theme at paint time)."""
        restyle_tree(self)
        self.composer.update_view()  # its warnings take the new theme's colour
        self.transcript.viewport().update()

    def shutdown(self) -> None:
        self.thumbs.stop()
        self.detail.shutdown()
        self.vm.close()

    # --- conversations --------------------------------------------------------------------
    def _list_reset(self) -> None:
        empty = self.vm.conversations.rowCount() == 0
        self.empty_list.setVisible(empty and not self.vm.search)
        cur = self.vm.current
        if cur is not None:
            row = self.vm.conversations.row_of(cur.id)
            if row >= 0:
                self.list.setCurrentIndex(self.vm.conversations.index(row))

    def _conversation_clicked(self, index: QModelIndex) -> None:
        cid = index.data(ConversationRole.ID)
        if cid is not None:
            self.vm.open_conversation(int(cid))

    def _retitle(self) -> None:
        cur = self.vm.current
        self.export_button.setEnabled(cur is not None)
        self.title.setText(f"<b>{html.escape(cur.title)}</b>" if cur else "<b>New conversation</b>")

    def _opened(self, conversation_id: int) -> None:
        self._retitle()
        self.detail.show_turn(None)
        self._list_reset()
        n = self.vm.transcript.rowCount()
        if n:
            # The newest turn is what a person comes back for.
            self.transcript.scrollToBottom()
            self._select_row(n - 1)

    def _list_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        conv = index.data(ConversationRole.CONVERSATION) if index.isValid() else None
        menu = QMenu(self)
        if conv is None:
            menu.addAction("New conversation", self.vm.new_conversation)
        else:
            menu.addAction("Rename…", lambda: self._rename(conv.id, conv.title))
            menu.addAction("Unpin" if conv.pinned else "Pin to top",
                           lambda: self.vm.set_pinned(conv.id, not conv.pinned))
            menu.addAction("Export as folder…", lambda: self._export(conv.id))
            menu.addSeparator()
            menu.addAction("Delete", lambda: self.vm.delete(conv.id))
        menu.popup(self.list.viewport().mapToGlobal(pos))

    def _rename(self, conversation_id: int, title: str) -> None:
        dlg = QInputDialog(self)
        dlg.setWindowTitle("Rename conversation")
        dlg.setLabelText("Title:")
        dlg.setTextValue(title)
        dlg.textValueSelected.connect(lambda text: self.vm.rename(conversation_id, text))
        dlg.open()

    def _export_current(self) -> None:
        if self.vm.current is not None:
            self._export(self.vm.current.id)

    def _export(self, conversation_id: int) -> None:
        if self.vm.current is None or self.vm.current.id != conversation_id:
            self.vm.open_conversation(conversation_id)
        dlg = QFileDialog(self, "Export the conversation into this folder")
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(lambda folder: self.vm.export(Path(folder)))
        dlg.open()

    def _deleted(self, conversation_id: int, title: str) -> None:
        self._undo_id = conversation_id
        self.message.setText(f"Deleted “{title}”.")
        self.undo.setVisible(True)
        self.bar.setVisible(True)
        self._message_timer.start()

    def _undo(self) -> None:
        if self._undo_id is not None:
            self.vm.undo_delete(self._undo_id)
        self._clear_message()

    def _clear_message(self) -> None:
        self.message.setText("")
        self.undo.setVisible(False)
        self.bar.setVisible(False)
        self._undo_id = None

    # --- transcript ---------------------------------------------------------------------
    def _select_row(self, row: int) -> None:
        idx = self.vm.transcript.index(row)
        if idx.isValid():
            self.transcript.setCurrentIndex(idx)
            self.transcript.scrollTo(idx)

    def _scrolled(self, value: int) -> None:
        if value < 200 and self.vm.transcript.has_earlier:
            self.vm.load_earlier()

    def _before_insert(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0 and self.vm.transcript.rowCount() > 0:
            bar = self.transcript.verticalScrollBar()
            self._from_bottom = bar.maximum() - bar.value()

    def _after_insert(self, *_: Any) -> None:
        if self._from_bottom is None:
            return
        keep, self._from_bottom = self._from_bottom, None

        def restore() -> None:
            self.transcript.doItemsLayout()
            bar = self.transcript.verticalScrollBar()
            bar.setValue(bar.maximum() - keep)

        QTimer.singleShot(0, restore)

    def _turn_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        view: TurnView | None = current.data(TurnRole.VIEW) if current.isValid() else None
        self.detail.show_turn(view)

    def _transcript_changed(self, top: QModelIndex, bottom: QModelIndex, *_: Any) -> None:
        cur = self.transcript.currentIndex()
        if cur.isValid() and top.row() <= cur.row() <= bottom.row():
            self.detail.show_turn(cur.data(TurnRole.VIEW))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.transcript.viewport() and event.type() in (
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and isinstance(event, QMouseEvent):
            self._press_pos = event.position().toPoint()
        return super().eventFilter(obj, event)

    def _thumb_under_mouse(self, index: QModelIndex) -> int:
        pos = self._press_pos
        option = QStyleOptionViewItem()
        self.transcript.initViewItemOption(option)
        option.rect = self.transcript.visualRect(index)
        return self.delegate.media_at(option, index, pos)

    def _turn_clicked(self, index: QModelIndex) -> None:
        """A click on a thumbnail shows that result in the pane on the right."""
        i = self._thumb_under_mouse(index)
        if i >= 0:
            self.detail.show_turn(index.data(TurnRole.VIEW))
            self.detail.select_media(i)

    def _turn_double_clicked(self, index: QModelIndex) -> None:
        """A double click on a thumbnail opens it in the full-window viewer."""
        self._turn_clicked(index)
        if self._thumb_under_mouse(index) >= 0:
            self.detail.open_full_view()
        self.detail.preview.setFocus()

    def _continue_from(self, path: str) -> None:
        self.vm.continue_from(path)
        self.composer.prompt.setFocus()

    def _use_as_reference(self, path: str) -> None:
        if self._window is None:  # shown on its own: no Image tab to fill
            return
        try:
            image_tab = self._window.tab("Image")
        except (AttributeError, ValueError):
            return
        form = getattr(image_tab, "form", None)
        if form is not None and hasattr(form, "add_files"):
            form.add_files([path])
            self._window.select_tab("Image")


def build_agent_tab(vm: AgentVM, window: MainWindow) -> QWidget:
    """``vm`` comes from ``viewmodels.tab_models.agent_vm`` (see ``app.tab_builders``)."""
    tab = AgentTab(vm, window)
    vm.setParent(tab)
    notes = JobNotifications(window, parent=tab)
    notes.watch(vm.jobs)
    tabs: QTabWidget | None = getattr(window, "tabs", None)

    def retitle(n: int) -> None:
        if tabs is None:
            return
        for i in range(tabs.count()):
            w = tabs.widget(i)
            if w is not None and (w is tab or w.isAncestorOf(tab)):
                tabs.setTabText(i, f"Agent ({n})" if n else "Agent")

    vm.jobs.runningCountChanged.connect(retitle)
    _offer_to_gallery(tab, window)
    vm.start()
    return tab


def _offer_to_gallery(tab: AgentTab, window: MainWindow) -> None:
    """Give the Gallery its "Open conversation" (``gallery_actions.set_conversation_opener``).
    The Gallery is built after this tab, so look for it until it is there (and again each
    time a tab is chosen: a new session builds a new Gallery)."""
    hooked: set[int] = set()

    def hook() -> bool:
        try:
            gallery = window.tab("Gallery")
        except (AttributeError, ValueError, AssertionError):
            return False
        actions = getattr(gallery, "gallery_actions", None)
        setter = getattr(actions, "set_conversation_opener", None)
        if setter is None:
            return False
        if id(actions) not in hooked:  # its signal would otherwise open twice
            hooked.add(id(actions))
            setter(tab.open_conversation_for_job)
        return True

    tries = QTimer(tab)
    tries.setInterval(250)
    left = [40]

    def retry() -> None:
        left[0] -= 1
        if hook() or left[0] <= 0:
            tries.stop()

    tries.timeout.connect(retry)
    tries.start()
    tabs: QTabWidget | None = getattr(window, "tabs", None)
    if tabs is not None:
        tabs.currentChanged.connect(lambda _i: hook())
