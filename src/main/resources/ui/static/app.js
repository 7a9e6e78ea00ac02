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

  function initPlayground() {
    const form = document.getElementById("playground");
    if (!form) {
      return;
    }
    const model = document.getElementById("pg-model");
    const order = document.getElementById("pg-order");
    const fallbacks = document.getElementById("pg-fallbacks");
    const system = document.getElementById("pg-system");
    const input = document.getElementById("pg-input");
    const list = document.getElementById("pg-messages");
    const send = document.getElementById("pg-send");
    const stop = document.getElementById("pg-stop");
    const status = document.getElementById("pg-status");
    const providers = document.getElementById("pg-providers");
    let history = [];
    let controller = null;

    function fillProviders() {
      providers.replaceChildren();
      const option = model.selectedOptions[0];
      (option ? option.dataset.providers.split(",") : []).filter(Boolean).forEach(function (p) {
        const o = document.createElement("option");
        o.value = p;
        providers.appendChild(o);
      });
    }
    model.addEventListener("change", function () { history = []; list.replaceChildren(); fillProviders(); });
    fillProviders();

    function bubble(role, text) {
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
      history = [];
      list.replaceChildren();
      status.textContent = "";
    });
    stop.addEventListener("click", function () {
      if (controller) {
        controller.abort();
      }
    });

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || controller) {
        return;
      }
      history.push({ role: "user", content: text });
      bubble("user", text);
      input.value = "";
      const messages = (system.value.trim() ? [{ role: "system", content: system.value.trim() }] : []).concat(history);
      const request = { model: model.value, messages: messages, stream: true };
      const providerOrder = order.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      if (providerOrder.length || !fallbacks.checked) {
        request.provider = { allow_fallbacks: fallbacks.checked };
        if (providerOrder.length) {
          request.provider.order = providerOrder;
        }
      }
      const reply = bubble("assistant", "");
      const content = reply.querySelector(".content");
      controller = new AbortController();
      send.disabled = true;
      stop.disabled = false;
      status.textContent = "waiting for the first token…";
      const started = performance.now();
      let firstTokenAt = null;
      let provider = "";
      let usage = null;
      let failure = null;
      let answer = "";
      try {
        const response = await fetch("/playground/chat", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), "X-Title": "Switchboard Playground" },
          body: JSON.stringify(request),
          signal: controller.signal
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
              answer += delta.content;
              content.textContent = answer;
            }
          }
        }
        const ended = performance.now();
        history.push({ role: "assistant", content: answer });
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
        status.textContent = "";
      } catch (e) {
        reply.classList.add("failed");
        meta(reply, e.name === "AbortError" ? "stopped" : "error: " + e.message);
        reply.dataset.done = "true";
        history.pop();
        status.textContent = "";
      } finally {
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
