// The live event monitor: one websocket per [data-live-monitor] element, rows newest first.
// Filters are the query string of the socket: changing one reconnects with the new filter.
(function () {
  "use strict";

  var MAX_ROWS = 200;
  var NOT_ALLOWED = 4403;

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  // The one time format of every page (kazoo_zapier/display.py): 2026-12-03 13:00:37 UTC, in the
  // zone the server shows times in (data-timezone on the table), so rows match the rest.
  function when(iso, zone) {
    var moment = new Date(iso);
    if (isNaN(moment)) return iso;
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone || "UTC", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short"
    }).formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    var name = zone === "UTC" || !zone ? "UTC" : parts.timeZoneName;
    return parts.year + "-" + parts.month + "-" + parts.day + " " +
      parts.hour + ":" + parts.minute + ":" + parts.second + " " + name;
  }

  function start(root) {
    var rows = root.querySelector("[data-monitor-rows]");
    var status = root.querySelector("[data-monitor-status]");
    var filters = root.querySelector("[data-monitor-filters]");
    var showAccount = rows.dataset.showAccount === "true";
    var zone = rows.dataset.timezone || "UTC";
    var socket = null;
    var retries = 0;
    var timer = null;

    // The words come from the page (data-text-* on the status line), in its language.
    function words(name) {
      return status.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)];
    }

    function say(text, state) {
      status.textContent = text;
      root.dataset.state = state;
    }

    function row(event) {
      var tr = document.createElement("tr");
      tr.dataset.eventId = event.id;
      tr.dataset.type = event.type;
      tr.dataset.accountId = event.account_id;
      tr.dataset.userId = event.user_id || "";
      if (event.test) tr.className = "test-event-row";
      tr.appendChild(cell(when(event.occurred_at, zone), "time"));
      tr.appendChild(cell(event.title || event.type, "type"));
      if (showAccount) tr.appendChild(cell(event.account_name || event.account_id, "account"));
      tr.appendChild(cell(event.user_name || "", "user"));
      tr.appendChild(cell((event.test ? words("test") + " " : "") + event.summary, "summary"));
      tr.title = JSON.stringify(event.payload, null, 2);
      return tr;
    }

    function add(events) {
      events.forEach(function (event) {
        if (rows.querySelector('tr[data-event-id="' + CSS.escape(event.id) + '"]')) return;
        rows.insertBefore(row(event), rows.firstChild);
      });
      while (rows.children.length > MAX_ROWS) rows.removeChild(rows.lastChild);
    }

    function url() {
      var query = filters ? new URLSearchParams(new FormData(filters)).toString() : "";
      var scheme = location.protocol === "https:" ? "wss:" : "ws:";
      return scheme + "//" + location.host + root.dataset.wsPath + (query ? "?" + query : "");
    }

    function connect() {
      clearTimeout(timer);
      say(words("connecting"), "connecting");
      var current = new WebSocket(url());
      socket = current;
      current.onmessage = function (message) {
        var data = JSON.parse(message.data);
        if (data.kind === "hello") {
          rows.textContent = "";
          retries = 0;
          say(words("live"), "live");
        }
        add(data.events || []);
      };
      current.onclose = function (closed) {
        if (socket !== current) return; // replaced by a new filter
        if (closed.code === NOT_ALLOWED) {
          say(words("refused"), "refused");
          return;
        }
        retries += 1;
        var wait = Math.min(30, Math.pow(2, retries));
        say(words("reconnecting").replace("{seconds}", wait), "reconnecting");
        timer = setTimeout(connect, wait * 1000);
      };
    }

    if (filters) {
      filters.addEventListener("change", function () {
        var old = socket;
        socket = null;
        if (old) old.close();
        connect();
      });
      filters.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    connect();
  }

  document.querySelectorAll("[data-live-monitor]").forEach(start);
})();
