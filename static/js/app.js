// Small behaviours shared by every page.
(function () {
  // htmx: send the CSRF token with every request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // A submitted form disables its buttons, so a double click sends it once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-allow-resubmit")) { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
  // Charts: <div class="chart" data-chart="json-script-id"> holds an ECharts option.
  function drawCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(JSON.parse(source.textContent), true);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();

// Page behaviours, bound by data attributes (the Content-Security-Policy allows no inline script).
(function () {
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) { event.target.form.submit(); }
  });
  // <form data-confirm="question">: submitted only when confirmed.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // The client lookup (reception/partials/lookup_widget.html): pick a result, or clear the choice.
  document.addEventListener("click", function (event) {
    var box = event.target.closest("#client-lookup");
    if (!box) { return; }
    var hidden = box.querySelector("input[name=client]");
    var pick = event.target.closest(".lookup-pick");
    if (pick) {
      hidden.value = pick.dataset.clientId;
      document.getElementById("lookup-chosen-name").textContent = pick.dataset.clientLabel;
      document.getElementById("lookup-chosen").classList.remove("d-none");
      document.getElementById("lookup-results").innerHTML = "";
      var name = document.querySelector("input[name=caller_name], input[name=visitor_name]");
      if (name && !name.value) { name.value = pick.dataset.clientName; }
      var type = document.querySelector("select[name=caller_type]");
      if (type) { type.value = "client"; }
      box.dispatchEvent(new CustomEvent("client-picked", {bubbles: true, detail: {id: pick.dataset.clientId}}));
    }
    if (event.target.id === "lookup-clear") {
      hidden.value = "";
      document.getElementById("lookup-chosen").classList.add("d-none");
      box.dispatchEvent(new CustomEvent("client-picked", {bubbles: true, detail: {id: ""}}));
    }
  });
  // The complaint form (complaints/register.html): a picked client decides the team and the project choices.
  document.addEventListener("client-picked", function (event) {
    var form = event.target.closest("form[data-project-options]");
    if (!form) { return; }
    var id = event.detail.id;
    document.getElementById("team-field").classList.toggle("d-none", !!id);
    htmx.ajax("GET", form.dataset.projectOptions + "?client=" + encodeURIComponent(id), {target: "#id_project", swap: "innerHTML"});
    // One story, typed once: the client's open complaints first ("是否为同一投诉?").
    if (form.dataset.openComplaints) {
      htmx.ajax("GET", form.dataset.openComplaints + "?client=" + encodeURIComponent(id), {target: "#open-complaints", swap: "innerHTML"});
    }
  });

  // The project page's tabs: open the tab named in the address (#drawings) and keep the address in step.
  function showTab(hash) {
    var button = document.querySelector('#project-tabs [data-tab="' + hash.replace("#", "") + '"]');
    if (button) { bootstrap.Tab.getOrCreateInstance(button).show(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("project-tabs")) { return; }
    if (location.hash) { showTab(location.hash); }
    window.addEventListener("hashchange", function () { showTab(location.hash); });
    document.querySelectorAll("#project-tabs [data-tab]").forEach(function (button) {
      button.addEventListener("shown.bs.tab", function () { history.replaceState(null, "", "#" + button.dataset.tab); });
    });
  });

  // The sales pipeline: drag a card onto another column, the same POST as its buttons (htmx swaps the board).
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-pipeline-board] [data-move-url]");
    if (card) { event.dataTransfer.setData("text/plain", card.dataset.moveUrl); }
  });
  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest("[data-pipeline-board] [data-drop-stage]")) { event.preventDefault(); }
  });
  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-pipeline-board] [data-drop-stage]");
    var url = event.dataTransfer.getData("text/plain");
    if (!column || !url) { return; }
    event.preventDefault();
    htmx.ajax("POST", url, {target: "#board", values: {stage: column.dataset.dropStage}});
  });
})();

// Lists as cards on phones (static/css/app.css, .table-cards): each cell gets its column's header as data-label.
(function () {
  function labelCells(root) {
    root.querySelectorAll("table.table-cards").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody > tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (cell.colSpan === 1 && !cell.hasAttribute("data-label") && headers[i]) { cell.setAttribute("data-label", headers[i]); }
          // A cell holding only template whitespace (an action the reader may not take) is no card line.
          if (!cell.textContent.trim() && !cell.children.length) { cell.classList.add("cell-blank"); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { labelCells(document); });
})();

// [data-scroll-hint]: a sideways-scrolling bar (the project tabs) shows its "more" hint while it overflows and is
// not scrolled to the end; the active tab is brought into view.
(function () {
  function update(box) {
    var bar = box.firstElementChild;
    if (!bar) { return; }
    box.classList.toggle("is-scrollable", bar.scrollWidth > bar.clientWidth + 1);
    box.classList.toggle("at-end", bar.scrollLeft + bar.clientWidth >= bar.scrollWidth - 1);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scroll-hint]").forEach(function (box) {
      var bar = box.firstElementChild;
      if (!bar) { return; }
      bar.addEventListener("scroll", function () { update(box); }, { passive: true });
      window.addEventListener("resize", function () { update(box); });
      box.addEventListener("shown.bs.tab", function (event) {
        event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
      });
      update(box);
    });
  });
})();

// The search box: "/" (outside a field) puts the cursor in it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var box = document.getElementById("nav-search-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });
  // Escape in the box closes its drop-down of hits (and the box, on the wide bar).
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target && event.target.id === "nav-search-q") { event.target.blur(); }
  });
})();

// Standard answers (常用语, complaints/partials/standard_answers.html): a click, or Alt+1…9 in the field, inserts the
// text at the cursor. On the complaint form the description's answers follow the chosen category.
(function () {
  "use strict";
  function insert(field, text) {
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    if (typeof start !== "number") { start = end = value.length; }
    var before = value.slice(0, start), after = value.slice(end);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    field.value = before + glue + text + after;
    var cursor = (before + glue + text).length;
    field.setSelectionRange(cursor, cursor);
    field.focus();
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }
  function buttonsFor(id) {
    return Array.prototype.filter.call(document.querySelectorAll('[data-answer-for="' + id + '"]'), function (b) {
      return !b.classList.contains("d-none");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-answer-for]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.answerFor);
    if (field) { insert(field, button.dataset.answerText); }
  });
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || !/^Digit[1-9]$/.test(event.code || "")) { return; }
    var field = event.target;
    if (!field || field.tagName !== "TEXTAREA" || !field.id) { return; }
    var button = buttonsFor(field.id)[Number(event.code.slice(5)) - 1];
    if (button) { event.preventDefault(); insert(field, button.dataset.answerText); }
  });
  function followCategory() {
    var select = document.getElementById("id_category");
    if (!select) { return; }
    document.querySelectorAll('[data-answer-for="id_description"]').forEach(function (b) {
      var category = b.dataset.answerCategory;
      b.classList.toggle("d-none", !!category && !!select.value && category !== select.value);
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_category") { followCategory(); }
  });
  document.addEventListener("DOMContentLoaded", followCategory);
})();
