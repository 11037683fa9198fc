// CityFn dashboard: fetches the dashboard JSON routes (relative to the page, so the same file works behind the
// Functions app and `cityfn dashboard`) and draws them. No framework, no CDN; every value is inserted as text.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const REFRESH_MS = 30000;
  const TOKEN_DECIMALS = 18n;
  const state = { timeZone: undefined, loaded: 0 };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    let body = null;
    try { body = await response.json(); } catch { /* not JSON: reported below by status */ }
    if (!response.ok) {
      const why = body && (body.detail || body.error || body.title) ? `: ${body.detail || body.error || body.title}` : "";
      throw new Error(`HTTP ${response.status} ${response.statusText}${why}`);
    }
    return body;
  }

  function formatTime(iso) {
    if (!iso) return "";
    const options = { dateStyle: "medium", timeStyle: "short", timeZone: state.timeZone || "UTC" };
    try { return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso)); }
    catch { return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC"; }
  }

  // Base units (decimal string) to tokens with up to 4 decimals, exact (BigInt), e.g. "1234500000000000000" -> "1.2345".
  function formatAmount(text) {
    if (text === null || text === undefined || text === "") return "–";
    const units = BigInt(text);
    const scale = 10n ** TOKEN_DECIMALS;
    const whole = units / scale;
    const fraction = (units % scale).toString().padStart(Number(TOKEN_DECIMALS), "0").slice(0, 4).replace(/0+$/, "");
    return whole.toLocaleString("en-US") + (fraction ? "." + fraction : "");
  }

  function short(hex) {
    return hex && hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex || "–";
  }

  function showError(container, what, error) {
    container.replaceChildren(el("p", { class: "error", role: "alert" }, `Could not load ${what}: ${error.message}`));
  }

  // ---- map ---------------------------------------------------------------------------------------------------

  // Fits the points into a 1000×620 box, equirectangular around the middle latitude (right for a city-sized area).
  function projection(points) {
    let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
    for (const [lat, lon] of points) {
      minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
      minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
    }
    const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const width = Math.max((maxLon - minLon) * kx, 1e-9);
    const height = Math.max(maxLat - minLat, 1e-9);
    const boxWidth = 1000, boxHeight = 620, pad = 28;
    const scale = Math.min((boxWidth - 2 * pad) / width, (boxHeight - 2 * pad) / height);
    const offsetX = (boxWidth - width * scale) / 2, offsetY = (boxHeight - height * scale) / 2;
    return {
      viewBox: `0 0 ${boxWidth} ${boxHeight}`,
      x: (lon) => offsetX + (lon - minLon) * kx * scale,
      y: (lat) => offsetY + (maxLat - lat) * scale,
    };
  }

  function drawMap(network, sensors) {
    const segmentsLayer = $("segments");
    const sensorsLayer = $("sensors");
    const note = $("map-note");
    note.className = "note";
    note.removeAttribute("role");
    segmentsLayer.replaceChildren();
    sensorsLayer.replaceChildren();

    const points = [];
    for (const s of network.segments) points.push([s.fromLat, s.fromLon], [s.toLat, s.toLon]);
    for (const d of sensors.sensors) points.push([d.lat, d.lon]);

    const notes = [];
    if (network.segments.length === 0) {
      notes.push("No road network published yet: run `cityfn network publish` (the demo does), then refresh.");
    } else if (network.forecasts === 0) {
      notes.push("No forecasts yet: segments are grey until the first traffic scoring job.");
    } else {
      notes.push(`${network.forecasts} of ${network.segments.length} segments have a forecast.`);
    }
    if (sensors.total === 0) notes.push("No sensors registered yet.");
    else if (sensors.sensors.length < sensors.total) notes.push(`Showing ${sensors.sensors.length} of ${sensors.total} sensors.`);
    else notes.push(`${sensors.total} sensors.`);
    note.textContent = notes.join(" ");
    if (points.length === 0) return;

    const map = projection(points);
    $("map").setAttribute("viewBox", map.viewBox);
    for (const s of network.segments) {
      let x1 = map.x(s.fromLon), y1 = map.y(s.fromLat), x2 = map.x(s.toLon), y2 = map.y(s.toLat);
      const dx = x2 - x1, dy = y2 - y1, length = Math.hypot(dx, dy) || 1;
      // Both directions of a road share its ends: draw each on its right-hand side, a little short of the
      // intersections, so the two directions and the junctions stay visible.
      const ox = (-dy / length) * 4.5, oy = (dx / length) * 4.5;
      const trim = Math.min(9, length / 4), tx = (dx / length) * trim, ty = (dy / length) * trim;
      x1 += ox + tx; y1 += oy + ty; x2 += ox - tx; y2 += oy - ty;
      const line = svg("line", {
        x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
        class: `segment band-${s.band}${s.arterial ? " arterial" : ""}`,
        "data-segment": s.id, "data-band": s.band,
      });
      const title = svg("title");
      title.textContent = s.congestion === null
        ? `${s.id}: no forecast yet`
        : `${s.id}: congestion ${s.congestion.toFixed(2)} (${s.band}), forecast for the 5 minutes from ${formatTime(s.forecastFor)}${s.alert ? " – ALERT" : ""}`;
      line.append(title);
      segmentsLayer.append(line);
    }

    for (const d of sensors.sensors) {
      const dot = svg("circle", {
        cx: map.x(d.lon).toFixed(1), cy: map.y(d.lat).toFixed(1), r: d.alert ? 9 : 7,
        class: `sensor quality-${d.band}`, "data-device": d.device, "data-band": d.band, tabindex: "0",
      });
      const title = svg("title");
      title.textContent = d.quality === null
        ? `${d.kind} sensor ${d.device}: not scored yet`
        : `${d.kind} sensor ${d.device}: quality ${d.quality.toFixed(2)} (${d.band}) at ${formatTime(d.qualityTime)}${d.alert ? " – FAULT ALERT" : ""}`;
      dot.append(title);
      sensorsLayer.append(dot);
    }
  }

  async function loadMap() {
    try {
      const [network, sensors] = await Promise.all([getJson("dashboard/data/network"), getJson("dashboard/data/sensors")]);
      state.timeZone = network.timeZone || undefined;
      drawMap(network, sensors);
      return true;
    } catch (error) {
      const note = $("map-note");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.textContent = `Could not load the map: ${error.message}`;
      return false;
    }
  }

  // ---- alerts ------------------------------------------------------------------------------------------------

  async function loadAlerts() {
    const container = $("alerts");
    try {
      const view = await getJson("dashboard/data/alerts");
      if (view.alerts.length === 0) {
        container.replaceChildren(el("p", { class: "empty" }, "No alerts yet."));
        return true;
      }
      const list = el("ul", { class: "alerts" });
      for (const alert of view.alerts) {
        list.append(el("li", { class: alert.type, "data-alert": alert.id },
          el("time", { datetime: alert.time }, formatTime(alert.time)), alert.message || `${alert.type} on ${alert.entity}`));
      }
      container.replaceChildren(list);
      return true;
    } catch (error) {
      showError(container, "the alerts", error);
      return false;
    }
  }

  // ---- epochs ------------------------------------------------------------------------------------------------

  async function loadEpochs() {
    const container = $("epochs");
    try {
      const view = await getJson("dashboard/data/epochs");
      if (view.epochs.length === 0) {
        container.replaceChildren(el("p", { class: "empty" }, "No epochs settled yet."));
        return true;
      }
      const head = el("tr", null, ...["Epoch", "Period", "Status", "Paid (tokens)", "Accounts paid", "Root", "Publish transaction", "Top payouts"]
        .map((name, i) => el("th", { scope: "col", class: i === 3 || i === 4 ? "num" : undefined }, name)));
      const body = el("tbody");
      for (const epoch of view.epochs) {
        const top = el("ol", { class: "top-payouts" });
        for (const payout of epoch.topPayouts) {
          top.append(el("li", null, el("span", { class: "mono", title: payout.account }, short(payout.account)), ` ${formatAmount(payout.total)}`));
        }
        body.append(el("tr", { "data-epoch": String(epoch.epoch) },
          el("td", null, String(epoch.epoch)),
          el("td", null, epoch.start ? `${formatTime(epoch.start)} – ${formatTime(epoch.end)}` : "report missing"),
          el("td", { class: `status-${epoch.status}` }, epoch.status),
          el("td", { class: "num" }, formatAmount(epoch.epochTotal)),
          el("td", { class: "num" }, `${epoch.paidThisEpoch} (${epoch.accounts} in tree)`),
          el("td", { class: "mono", title: epoch.root }, short(epoch.root)),
          el("td", { class: "mono", title: epoch.transactionHash || "" }, epoch.transactionHash ? `${short(epoch.transactionHash)}${epoch.block ? ` (block ${epoch.block})` : ""}` : "not published yet"),
          el("td", null, epoch.topPayouts.length ? top : "–")));
      }
      container.replaceChildren(el("table", null, el("caption", { class: "note" }, "Newest first; amounts in reward tokens."), el("thead", null, head), body));
      return true;
    } catch (error) {
      showError(container, "the epochs", error);
      return false;
    }
  }

  // ---- contributor lookup ------------------------------------------------------------------------------------

  function claimStatus(view) {
    if (view.chainError) return "Claim status unknown (the chain could not be read).";
    if (view.cumulative === "0" || view.cumulative === null) return "Nothing to claim yet.";
    if (view.claimable === "0") return "Claimed in full.";
    if (view.claimedOnChain === "0") return `Not claimed yet: ${formatAmount(view.claimable)} tokens claimable.`;
    return `Partly claimed: ${formatAmount(view.claimable)} tokens claimable.`;
  }

  async function lookUp(event) {
    event.preventDefault();
    const container = $("contributor");
    const address = $("address").value.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      container.replaceChildren(el("p", { class: "error", role: "alert" }, "Enter an address: 0x followed by 40 hexadecimal digits."));
      return;
    }
    container.replaceChildren(el("p", { class: "empty" }, "Looking up…"));
    try {
      const view = await getJson(`dashboard/data/contributors/${encodeURIComponent(address)}`);
      const parts = [];
      if (view.chainError) parts.push(el("p", { class: "warning", role: "status" }, view.chainError));
      parts.push(el("p", { class: "claim-status", id: "claim-status" }, claimStatus(view)));
      const facts = el("dl", { class: "facts" });
      const fact = (name, value) => facts.append(el("dt", null, name), el("dd", null, value));
      fact("Account", el("span", { class: "mono" }, view.account));
      if (!view.chainError) {
        fact("Cumulative (latest root)", `${formatAmount(view.cumulative)} tokens${view.latestEpoch !== null ? ` (epoch ${view.latestEpoch})` : ""}`);
        fact("Claimed on-chain", `${formatAmount(view.claimedOnChain)} tokens`);
        fact("Claimable now", `${formatAmount(view.claimable)} tokens`);
      }
      parts.push(facts);
      if (view.epochs.length === 0) {
        parts.push(el("p", { class: "empty" }, "No rewards in the recent epochs."));
      } else {
        const rows = view.epochs.map((e) => el("tr", { "data-epoch": String(e.epoch) },
          el("td", null, String(e.epoch)), el("td", { class: `status-${e.status}` }, e.status),
          el("td", { class: "num" }, formatAmount(e.data)), el("td", { class: "num" }, formatAmount(e.compute)),
          el("td", { class: "num" }, formatAmount(e.total)), el("td", { class: "num" }, formatAmount(e.cumulative))));
        parts.push(el("table", { id: "contributor-epochs" },
          el("caption", { class: "note" }, "Rewards per epoch (tokens)"),
          el("thead", null, el("tr", null, ...["Epoch", "Status", "Data", "Compute", "Total", "Cumulative"]
            .map((name, i) => el("th", { scope: "col", class: i >= 2 ? "num" : undefined }, name)))),
          el("tbody", null, ...rows)));
      }
      if (view.proof.length > 0) {
        parts.push(el("details", null, el("summary", null, `Merkle proof (${view.proof.length} ${view.proof.length === 1 ? "node" : "nodes"}, root ${short(view.root)})`),
          el("pre", { class: "mono", id: "proof" }, view.proof.join("\n"))));
      }
      container.replaceChildren(...parts);
    } catch (error) {
      showError(container, "the rewards", error);
    }
  }

  // ---- page --------------------------------------------------------------------------------------------------

  async function refresh() {
    // The map brings the city's time zone; the first time, the other panels wait for it to format their times.
    const map = state.timeZone === undefined ? await loadMap() : null;
    const results = await Promise.all([map ?? loadMap(), loadAlerts(), loadEpochs()]);
    const ok = results.every(Boolean);
    const zone = state.timeZone || "UTC";
    const now = new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone: zone }).format(new Date());
    $("updated").textContent = `${ok ? "Updated" : "Partly updated"} ${now} (times in ${zone})`;
    document.body.dataset.state = ok ? "ready" : "error";
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("lookup").addEventListener("submit", lookUp);
    $("refresh").addEventListener("click", refresh);
    refresh();
    setInterval(refresh, REFRESH_MS);
  });
})();
