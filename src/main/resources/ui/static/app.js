// Switchboard web UI: charts, tabs, copy buttons and the playground's streaming chat.
// No inline scripts anywhere (the pages' Content-Security-Policy forbids them).
(function () {
  "use strict";

  const PALETTE = ["#4f46e5", "#0ea5e9", "#16a34a", "#f59e0b", "#ec4899", "#8b5cf6", "#14b8a6", "#ef4444", "#64748b"];

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  // ---- charts: <canvas class="chart" data-chart='{"labels":[...],"datasets":[...]}'> ----
  function initCharts(root) {
    if (typeof Chart === "undefined") {
      return;
    }
    const style = getComputedStyle(document.documentElement);
    Chart.defaults.color = style.getPropertyValue("--muted").trim() || "#666";
    Chart.defaults.borderColor = style.getPropertyValue("--line").trim() || "#ddd";
    root.querySelectorAll("canvas.chart[data-chart]").forEach(function (canvas) {
      if (Chart.getChart(canvas)) {
        return;
      }
      const data = JSON.parse(canvas.dataset.chart);
      data.datasets.forEach(function (set, i) {
        set.backgroundColor = PALETTE[i % PALETTE.length];
        set.borderWidth = 0;
      });
      const money = canvas.dataset.money === "true";
      new Chart(canvas, {
        type: canvas.dataset.kind || "bar",
        data: data,
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
            y: {
              stacked: true, beginAtZero: true,
              ticks: { callback: function (v) { return money ? "$" + v : Intl.NumberFormat("en", { notation: "compact" }).format(v); } }
            }
          },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
        }
      });
      canvas.dataset.rendered = "true";
    });
  }

  // ---- tabs: [data-tabs] with buttons [data-tab=x] and panels [data-panel=x] ----
  function initTabs(root) {
    root.querySelectorAll("[data-tabs]").forEach(function (tabs) {
      const buttons = tabs.querySelectorAll("[data-tab]");
      function show(name) {
        buttons.forEach(function (b) { b.classList.toggle("active", b.dataset.tab === name); b.setAttribute("aria-selected", b.dataset.tab === name); });
        tabs.querySelectorAll("[data-panel]").forEach(function (p) { p.classList.toggle("active", p.dataset.panel === name); });
      }
      buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.tab); }); });
      if (buttons.length) {
        show(buttons[0].dataset.tab);
      }
      tabs.dataset.ready = "true";
    });
  }

  // ---- copy buttons: data-copy="text" or data-copy-from="element id" ----
  function copy(text, button) {
    const done = function () {
      const label = button.textContent;
      button.textContent = "Copied";
      button.dataset.copied = "true";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy], [data-copy-from]");
    if (!button) {
      return;
    }
    const text = button.dataset.copy !== undefined ? button.dataset.copy
      : (document.getElementById(button.dataset.copyFrom) || {}).textContent || "";
    copy(text, button);
  });

  // ---- forms that apply as soon as a choice changes ----
  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-autosubmit]");
    if (form) {
      form.requestSubmit();
    }
  });

  // ---- the playground ----
  /** Splits an SSE buffer into complete events' data lines; returns [events, rest]. */
  function sseEvents(buffer) {
    const events = [];
    const parts = buffer.split(/\r\n\r\n|\n\n|\r\r/);
    const rest = parts.pop();
    parts.forEach(function (block) {
      const data = [];
      block.split(/\r\n|\n|\r/).forEach(function (line) {
        if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
      });
      if (data.length) {
        events.push(data.join("\n"));
      }
    });
    return [events, rest];
  }

  /** Reads a picked image file as a data: URL, for an image_url content part. */
  function dataUrl(file) {
    return new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error || new Error("cannot read " + file.name)); };
      reader.readAsDataURL(file);
    });
  }

  /** A number typed in a playground field, or undefined when it is empty (the model's default then applies). */
  function numberOf(field) {
    const text = field ? field.value.trim() : "";
    return text === "" ? undefined : Number(text);
  }

  function initPlayground() {
    const form = document.getElementById("playground");
    if (!form) {
      return;
    }
    const model = document.getElementById("pg-model");
    const compare = document.getElementById("pg-compare");
    const key = document.getElementById("pg-key");
    const order = document.getElementById("pg-order");
    const fallbacks = document.getElementById("pg-fallbacks");
    const system = document.getElementById("pg-system");
    const temperature = document.getElementById("pg-temperature");
    const maxTokens = document.getElementById("pg-max-tokens");
    const topP = document.getElementById("pg-top-p");
    const input = document.getElementById("pg-input");
    const image = document.getElementById("pg-image");
    const imageField = document.getElementById("pg-image-field");
    const send = document.getElementById("pg-send");
    const stop = document.getElementById("pg-stop");
    const status = document.getElementById("pg-status");
    const providers = document.getElementById("pg-providers");
    // one conversation per column: the first model's, and the compared model's
    const columns = [
      { select: model, list: document.getElementById("pg-messages"), title: document.getElementById("pg-title"), history: [] },
      { select: compare, list: document.getElementById("pg-messages-b"), title: document.getElementById("pg-title-b"),
        box: document.getElementById("pg-column-b"), history: [] }
    ];
    let controller = null;

    function comparing() {
      return compare && compare.value !== "";
    }

    function activeColumns() {
      return comparing() ? columns : [columns[0]];
    }

    function layout() {
      providers.replaceChildren();
      const option = model.selectedOptions[0];
      (option ? option.dataset.providers.split(",") : []).filter(Boolean).forEach(function (p) {
        const o = document.createElement("option");
        o.value = p;
        providers.appendChild(o);
      });
      columns[1].box.hidden = !comparing();
      columns.forEach(function (c) { c.title.textContent = comparing() && c.select.value ? c.select.value : ""; });
      // an image goes with the message only when every chosen model takes image input
      const images = activeColumns().every(function (c) {
        const o = c.select.selectedOptions[0];
        return o && o.dataset.images === "true";
      });
      imageField.hidden = !images;
      if (!images) {
        image.value = "";
      }
    }

    function reset() {
      columns.forEach(function (c) { c.history = []; c.list.replaceChildren(); });
    }

    model.addEventListener("change", function () { reset(); layout(); });
    compare.addEventListener("change", function () { reset(); layout(); });
    layout();

    function bubble(list, role, text) {
      const div = document.createElement("div");
      div.className = "message " + role;
      const label = document.createElement("span");
      label.className = "role";
      label.textContent = role;
      const body = document.createElement("span");
      body.className = "content";
      body.textContent = text;
      div.append(label, body);
      list.appendChild(div);
      return div;
    }

    function meta(div, text) {
      const span = document.createElement("span");
      span.className = "meta";
      span.textContent = text;
      div.appendChild(span);
    }

    document.getElementById("pg-clear").addEventListener("click", function () {
      reset();
      status.textContent = "";
    });
    stop.addEventListener("click", function () {
      if (controller) {
        controller.abort();
      }
    });

    /** The chat body for one column: the page's parameters, the system prompt, and that column's conversation. */
    function chatRequest(column) {
      const messages = (system.value.trim() ? [{ role: "system", content: system.value.trim() }] : []).concat(column.history);
      const request = { model: column.select.value, messages: messages, stream: true };
      const parameters = { temperature: numberOf(temperature), max_tokens: numberOf(maxTokens), top_p: numberOf(topP) };
      Object.keys(parameters).forEach(function (name) {
        if (parameters[name] !== undefined) {
          request[name] = parameters[name];
        }
      });
      const providerOrder = order.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      if (providerOrder.length || !fallbacks.checked) {
        request.provider = { allow_fallbacks: fallbacks.checked };
        if (providerOrder.length) {
          request.provider.order = providerOrder;
        }
      }
      return request;
    }

    /** Streams one column's answer into a new bubble; resolves when it ended, failed or was stopped. */
    async function answer(column, signal) {
      const reply = bubble(column.list, "assistant", "");
      const content = reply.querySelector(".content");
      const started = performance.now();
      let firstTokenAt = null;
      let provider = "";
      let usage = null;
      let failure = null;
      let text = "";
      try {
        const url = "/playground/chat" + (key ? "?key=" + encodeURIComponent(key.value) : "");
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), "X-Title": "Switchboard Playground" },
          body: JSON.stringify(chatRequest(column)),
          signal: signal
        });
        const generation = response.headers.get("X-Generation-Id");
        if (!response.ok) {
          const body = await response.json().catch(function () { return null; });
          throw new Error(body && body.error ? body.error.message : "HTTP " + response.status);
        }
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        let finished = false;
        while (!finished) {
          const chunk = await reader.read();
          if (chunk.done) {
            break;
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          const parsed = sseEvents(buffer);
          buffer = parsed[1];
          for (const data of parsed[0]) {
            if (data === "[DONE]") {
              finished = true;
              break;
            }
            const json = JSON.parse(data);
            if (json.provider) {
              provider = json.provider;
            }
            if (json.usage) {
              usage = json.usage;
            }
            if (json.error) {
              failure = json.error.message || "the stream failed";
            }
            const delta = json.choices && json.choices[0] && json.choices[0].delta;
            if (delta && delta.content) {
              if (firstTokenAt === null) {
                firstTokenAt = performance.now();
                status.textContent = "streaming…";
              }
              text += delta.content;
              content.textContent = text;
            }
          }
        }
        const ended = performance.now();
        column.history.push({ role: "assistant", content: text });
        const parts = [];
        if (provider) { parts.push("provider " + provider); }
        if (firstTokenAt !== null) { parts.push("first token " + Math.round(firstTokenAt - started) + " ms"); }
        if (usage) {
          const seconds = Math.max((ended - (firstTokenAt || started)) / 1000, 0.001);
          parts.push(Math.round(usage.completion_tokens / seconds) + " tokens/s");
          parts.push(usage.prompt_tokens + " prompt + " + usage.completion_tokens + " completion tokens");
          if (usage.cost !== undefined) { parts.push("cost $" + String(Number(Number(usage.cost).toPrecision(3)))); }
        }
        if (generation) { parts.push(generation); }
        meta(reply, parts.join(" · "));
        reply.dataset.done = "true";
        if (failure) {
          reply.classList.add("failed");
          meta(reply, "error: " + failure);
        }
      } catch (e) {
        reply.classList.add("failed");
        meta(reply, e.name === "AbortError" ? "stopped" : "error: " + e.message);
        reply.dataset.done = "true";
        column.history.pop();
      }
    }

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || controller) {
        return;
      }
      const file = !imageField.hidden && image.files && image.files[0];
      let userContent = text;
      if (file) {
        try {
          userContent = [{ type: "text", text: text }, { type: "image_url", image_url: { url: await dataUrl(file) } }];
        } catch (e) {
          status.textContent = "error: " + e.message;
          return;
        }
      }
      const targets = activeColumns();
      targets.forEach(function (column) {
        column.history.push({ role: "user", content: userContent });
        const sent = bubble(column.list, "user", text);
        if (file) {
          meta(sent, "image: " + file.name);
        }
      });
      input.value = "";
      image.value = "";
      controller = new AbortController();
      send.disabled = true;
      stop.disabled = false;
      status.textContent = "waiting for the first token…";
      try {
        // compared models stream at once, each into its own column
        await Promise.all(targets.map(function (column) { return answer(column, controller.signal); }));
      } finally {
        status.textContent = "";
        controller = null;
        send.disabled = false;
        stop.disabled = true;
      }
    });
  }

  function init() {
    initCharts(document);
    initTabs(document);
    initPlayground();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:afterSwap", function (event) { initCharts(event.target); initTabs(event.target); });
})();
