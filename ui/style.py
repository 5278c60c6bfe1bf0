"""The page's stylesheet and script, passed to ``launch()`` (gradio 6 takes them there)."""

from __future__ import annotations

CSS = """
/* Gradio puts an inline "overflow: visible" on the block, which would let long source cards
   spill over the panels below; the panel scrolls instead. */
#sources-panel { max-height: 78vh; overflow-y: auto !important; }
.answer a.cite, .notice a.cite { text-decoration: none; font-weight: 600; padding: 0 1px; }
.unsupported { text-decoration: underline wavy #d97706; background: rgba(245, 158, 11, 0.16); }
.unsupported-tag { color: #b45309; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.notice { border-left: 4px solid #6b7280; padding: 0.45em 0.75em; margin: 0.3em 0; border-radius: 4px; }
.notice ul { margin: 0.3em 0 0 1.1em; }
.notice-reason { margin-top: 0.35em; }
.notice-refusal, .notice-stopped { border-color: #6b7280; background: rgba(107, 114, 128, 0.12); }
.notice-conflict { border-color: #dc2626; background: rgba(220, 38, 38, 0.08); }
.notice-update, .notice-quoted { border-color: #2563eb; background: rgba(37, 99, 235, 0.08); }
.notice-error, .notice-skipped { border-color: #b45309; background: rgba(245, 158, 11, 0.10); }
/* Icons drawn around a plain letter: emoji signs have no glyph in a stock Debian browser. */
.icon { display: inline-flex; align-items: center; justify-content: center; width: 1.15em; height: 1.15em;
  border-radius: 50%; font: italic 700 0.8em Georgia, serif; margin-right: 0.4em; vertical-align: 0.1em;
  color: #fff; background: #4b5563; }
.icon-warn { font-style: normal; font-family: inherit; background: #b45309; }
.notice-update .icon, .notice-quoted .icon { background: #2563eb; }
.notice-conflict .icon { background: #dc2626; }
/* An answer being written: checked sentences as they come, the unchecked draft greyed below. */
.draft { margin-top: 0.3em; }
.draft-label { font-size: 0.85em; font-weight: 600; color: #6b7280; display: flex; align-items: center;
  gap: 0.45em; }
.draft-text { color: #6b7280; font-style: italic; opacity: 0.8; border-left: 3px dashed #9ca3af;
  padding-left: 0.6em; margin-top: 0.2em; }
.spinner { width: 0.8em; height: 0.8em; border: 2px solid #9ca3af; border-top-color: transparent;
  border-radius: 50%; animation: rag-spin 0.9s linear infinite; display: inline-block; }
@keyframes rag-spin { to { transform: rotate(360deg); } }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.55em 0.8em;
  margin: 0 0 0.6em 0; scroll-margin-top: 0.5em; }
.src-card.src-uncited { opacity: 0.85; }
.src-card.flash, .src-card:target { outline: 3px solid var(--color-accent); }
.src-head { font-weight: 600; }
.src-num { color: var(--color-accent); }
.src-meta { font-size: 0.85em; opacity: 0.8; margin: 0.1em 0 0.3em 0; }
.src-passage { margin: 0.3em 0; padding-left: 0.6em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; }
mark.cited-span { background: #fde68a; color: inherit; padding: 0 1px; }
.src-corroborating { font-size: 0.88em; }
.src-article summary, .src-others summary, .src-earlier summary { cursor: pointer; font-size: 0.9em; }
.article-text { max-height: 22em; overflow-y: auto; font-size: 0.9em; padding: 0.4em;
  border: 1px dashed var(--border-color-primary); border-radius: 4px; }
#index-summary { font-size: 0.85em; opacity: 0.85; }
table.index-status th { text-align: left; padding-right: 1em; font-weight: 500; }
#filter-message p { color: #b91c1c; font-weight: 600; }
#conversations { max-height: 60vh; overflow-y: auto !important; }
#conversations label { width: 100%; }
"""

# Citation links point at cards in the sources panel, which may sit inside a folded
# <details> (earlier turns, uncited passages): unfold, scroll and flash the card.
HEAD = r"""
<script>
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest("a.cite") : null;
  if (!link) return;
  var id = (link.getAttribute("href") || "").replace(/^#/, "");
  var card = id ? document.getElementById(id) : null;
  if (!card) return;
  event.preventDefault();
  for (var node = card.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  card.scrollIntoView({block: "start"});
  card.classList.remove("flash");
  void card.offsetWidth;
  card.classList.add("flash");
  if (history.replaceState) history.replaceState(null, "", "#" + id);
}, true);
// The chat's Copy button copies a message's content, which here is the HTML the page
// renders; the reader wants the text as shown, with its [n] markers.
(function () {
  var clip = navigator.clipboard;
  if (!clip || !clip.writeText) return;
  var write = clip.writeText.bind(clip);
  clip.writeText = function (text) {
    if (typeof text === "string" && /^\s*<(div|span) class="(answer|notice|draft)/.test(text)) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      doc.querySelectorAll(".icon, .unsupported-tag, .draft").forEach(function (n) { n.remove(); });
      doc.querySelectorAll("br").forEach(function (n) { n.replaceWith("\n"); });
      doc.querySelectorAll("div, li").forEach(function (n) { n.before("\n"); n.after("\n"); });
      text = doc.body.textContent.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
    }
    return write(text);
  };
})();
</script>
"""
