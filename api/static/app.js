/* Followthrough pages: small progressive enhancements. Every form works without this file.
   - live hints while typing, via POST /api/lint: blameless language everywhere, SMART wording for
     action items (title and done-when together), root cause or symptom for root causes
   - extra "why" and root-cause rows without a round trip
   - auto-growing text areas, focus on the error summary, follow-up fields per outcome
   - the room left in every limited text and list, while typing (the server renders the first
     count with the same words: api/pages/filters.py room and entries) */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var DEBOUNCE_MS = 350;
  var MAX_WHYS = 7;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var responders = [];
  try {
    responders = JSON.parse(document.body.getAttribute("data-responders") || "[]");
  } catch (e) {
    responders = [];
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Text with each finding's span in a <mark>, built from DOM nodes (never innerHTML). */
  function highlighted(target, text, findings) {
    target.textContent = "";
    var spans = findings
      .filter(function (f) { return f.start >= 0 && f.end > f.start && f.end <= text.length; })
      .sort(function (a, b) { return a.start - b.start; });
    var cursor = 0;
    spans.forEach(function (f) {
      if (f.start < cursor) return;
      target.appendChild(document.createTextNode(text.slice(cursor, f.start)));
      target.appendChild(el("mark", "finding-" + (f.kind || "blame"), text.slice(f.start, f.end)));
      cursor = f.end;
    });
    target.appendChild(document.createTextNode(text.slice(cursor) + "\u200b"));
  }

  function excerpt(target, text, f) {
    var width = 48;
    var left = Math.max(0, f.start - width);
    var right = Math.min(text.length, f.end + width);
    target.appendChild(document.createTextNode("\u201c" + (left > 0 ? "\u2026" : "") + text.slice(left, f.start)));
    target.appendChild(el("mark", "finding-" + (f.kind || "blame"), text.slice(f.start, f.end)));
    target.appendChild(document.createTextNode(text.slice(f.end, right) + (right < text.length ? "\u2026" : "") + "\u201d"));
  }

  function renderFindings(list, text, findings) {
    if (!list) return;
    list.textContent = "";
    findings.forEach(function (f) {
      var item = el("li", "finding finding--" + (f.kind || "blame"));
      item.setAttribute("data-code", f.code);
      var quote = el("span", "finding__quote");
      excerpt(quote, text, f);
      item.appendChild(quote);
      item.appendChild(el("span", "finding__message", f.message));
      item.appendChild(el("span", "hint", f.hint));
      list.appendChild(item);
    });
  }

  /* Characters as the server counts them: code points (a surrogate pair is one character). The
     value of a text area has LF line breaks, as the server counts them after reading the form. */
  function characters(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) count++;
    }
    return count;
  }

  function many(count, word) {
    return count.toLocaleString("en-US") + " " + word + (count === 1 ? "" : "s");
  }

  function roomText(value, limit, oneLine) {
    var left = limit - characters(value);
    var said = left >= 0
      ? many(left, "character") + " left"
      : many(-left, "character") + " over the limit of " + limit.toLocaleString("en-US");
    if (oneLine && /[\r\n]/.test(value)) said += " \u00b7 one line only: remove the line break";
    return said;
  }

  /* The counter under a limited field: rewritten on every keystroke, plainly marked when over. */
  function setUpRoom(counter) {
    if (counter.getAttribute("data-room-ready")) return;
    var input = document.getElementById(counter.getAttribute("data-room"));
    if (!input) return;
    counter.setAttribute("data-room-ready", "1");
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var oneLine = counter.hasAttribute("data-one-line");
    function update() {
      var value = input.value;
      var over = characters(value) > limit || (oneLine && /[\r\n]/.test(value));
      counter.textContent = roomText(value, limit, oneLine);
      counter.classList.toggle("room--over", over);
      if (over) input.setAttribute("data-over", "1");
      else input.removeAttribute("data-over");
    }
    input.addEventListener("input", update);
    update();
  }

  /* A list's counter ("2 of 20 root causes"), kept as rows are added and typed into without a
     round trip. It counts the rows with an id or a statement (a blank row is not a root cause yet,
     as on the server); the rooms left for new rows, which it returns, count every row. */
  function updateListRoom(kind) {
    var counter = document.querySelector('[data-list-room="' + kind + '"]');
    var container = document.querySelector('[data-rows="' + kind + '"]');
    if (!counter || !container) return 0;
    var rows = container.querySelectorAll('[data-row="' + kind + '"]');
    var count = Array.prototype.filter.call(rows, function (row) {
      return Array.prototype.some.call(row.querySelectorAll('input[name="rc_id"], textarea[name="rc_statement"]'),
        function (field) { return field.value.trim() !== ""; });
    }).length;
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var said = count.toLocaleString("en-US") + " of " + limit.toLocaleString("en-US") + " " +
      counter.getAttribute("data-noun");
    counter.textContent = count >= limit ? said + ": the limit" : said;
    counter.classList.toggle("room--full", count >= limit);
    return limit - rows.length;
  }

  function setUpListRoom(counter) {
    var kind = counter.getAttribute("data-list-room");
    var container = document.querySelector('[data-rows="' + kind + '"]');
    if (!container || counter.getAttribute("data-list-room-ready")) return;
    counter.setAttribute("data-list-room-ready", "1");
    container.addEventListener("input", function () { updateListRoom(kind); });
  }

  function autosize(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }

  /* The value of a sibling field of the same form (the item's other half, the chain's symptom). */
  function sibling(area, name) {
    var form = area.form || document;
    var other = form.querySelector('textarea[name="' + name + '"]');
    return other ? other.value : null;
  }

  /* An action item is read title and done-when together; a root cause with the chain's symptom. */
  function requestBody(kind, area) {
    var text = area.value;
    var body = { text: text, responders: responders };
    if (kind === "title") {
      body.kind = "action_item";
      var doneWhen = sibling(area, "done_when");
      if (doneWhen && doneWhen.trim()) body.done_when = doneWhen;
    } else if (kind === "done_when") {
      body.kind = "action_item";
      body.text = sibling(area, "title") || "";
      body.done_when = text;
    } else if (kind === "root_cause") {
      body.kind = "root_cause";
      var symptom = sibling(area, "symptom");
      if (symptom && symptom.trim()) body.symptom = symptom;
    }
    return body;
  }

  function keep(kind, finding) {
    if (kind === "title") return finding.field === "title";
    if (kind === "done_when") return finding.field === "done_when";
    return true;
  }

  function markKind(node) {
    var name = node.className || "";
    if (name.indexOf("vague") >= 0) return "vague";
    if (name.indexOf("symptom") >= 0) return "symptom";
    return "blame";
  }

  function setUpLint(area) {
    if (area.getAttribute("data-lint-ready")) return;
    area.setAttribute("data-lint-ready", "1");
    var kind = area.getAttribute("data-lint") || "text";
    var wrap = area.closest(".lint-wrap");
    var backdrop = wrap ? wrap.querySelector(".lint-backdrop") : null;
    var list = document.getElementById(area.getAttribute("data-findings"));
    var timer = null;
    var sequence = 0;
    var findings = [];

    function paint() {
      if (backdrop) highlighted(backdrop, area.value, findings);
    }

    function check() {
      var text = area.value;
      var mine = ++sequence;
      if (!text.trim()) {
        findings = [];
        paint();
        renderFindings(list, text, findings);
        return;
      }
      fetch("/api/lint", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(requestBody(kind, area))
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || mine !== sequence || area.value !== text) return;
          findings = data.findings.filter(function (f) { return keep(kind, f); });
          paint();
          renderFindings(list, text, findings);
        })
        .catch(function () { /* hints are a nicety; the server checks again on submit */ });
    }

    area.addEventListener("input", function () {
      autosize(area);
      // Until the new findings arrive, keep marks only where the text did not move.
      findings = findings.filter(function (f) { return area.value.slice(f.start, f.end) === f.text; });
      paint();
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DEBOUNCE_MS);
    });
    area.addEventListener("scroll", function () {
      if (backdrop) backdrop.scrollTop = area.scrollTop;
    });
    // Findings rendered by the server: read them back from the marks' positions.
    if (backdrop) {
      var offset = 0;
      Array.prototype.forEach.call(backdrop.childNodes, function (node) {
        var text = (node.textContent || "").replace("\u200b", "");
        if (node.nodeName === "MARK") {
          findings.push({
            start: offset,
            end: offset + text.length,
            text: text,
            kind: markKind(node)
          });
        }
        offset += text.length;
      });
    }
    autosize(area);
  }

  function setUpAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("textarea[data-lint]"), setUpLint);
    Array.prototype.forEach.call(root.querySelectorAll("[data-room]"), setUpRoom);
    Array.prototype.forEach.call(root.querySelectorAll("textarea:not([data-lint])"), function (area) {
      area.addEventListener("input", function () { autosize(area); });
    });
  }

  /* "+ Add a why" / "+ Add a root cause": clone the row template instead of a round trip. */
  function setUpAddRow(button) {
    var kind = button.getAttribute("data-add-row");
    var template = document.getElementById(kind + "-template");
    var container = document.querySelector('[data-rows="' + kind + '"]');
    if (!template || !container) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = container.querySelectorAll('[data-row="' + kind + '"]').length;
      if (kind === "why" && index >= MAX_WHYS) return;
      if (kind === "root-cause" && updateListRoom(kind) <= 0) return;
      var html = template.innerHTML.split("__N__").join(String(index)).split("__NUM__").join(String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      while (holder.firstElementChild) container.appendChild(holder.firstElementChild);
      setUpAll(row);
      var first = row.querySelector("textarea, input, select");
      if (first) first.focus();
      if (kind === "why" && index + 1 >= MAX_WHYS) button.hidden = true;
      if (kind === "root-cause" && updateListRoom(kind) <= 0) button.hidden = true;
    });
  }

  /* Follow-up: show the new-date field for a re-plan, the reason for a re-plan or a drop. */
  function setUpOutcome(fieldset) {
    function update() {
      var checked = fieldset.querySelector("input[data-outcome]:checked");
      var value = checked ? checked.value : "";
      Array.prototype.forEach.call(fieldset.querySelectorAll("[data-show-for]"), function (field) {
        var wanted = field.getAttribute("data-show-for").split(" ");
        var invalid = field.classList.contains("field--invalid");
        field.hidden = !invalid && wanted.indexOf(value) < 0;
      });
    }
    fieldset.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document);
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-row]"), setUpAddRow);
    Array.prototype.forEach.call(document.querySelectorAll("[data-list-room]"), setUpListRoom);
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.outcome"), setUpOutcome);
    var summary = document.querySelector("[data-autofocus]");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "center" });
    }
  });
})();
