// Agent desk: follows calls over server-sent events; a click on a suggestion copies it and
// records the agent's verdict (used / edited / rejected) for the trainers.
(function () {
  "use strict";
  const calls = new Map();
  const handovers = new Map();
  // The hotline platform can open /agent?call=<id> to pin a desk to the agent's own call;
  // otherwise the desk follows the call that changed last, until the agent picks one.
  let pinned = new URLSearchParams(location.search).get("call");
  let current = pinned;
  let shownSuggestions = "";
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (error) {
      // Clipboard API refused (plain http, no permission): fall back to a selection copy.
      const area = el("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      return Boolean(ok);
    }
  }

  async function feedback(callId, suggestionId, action, editedText) {
    const response = await staff.request("/api/agent/feedback", {
      method: "POST",
      body: JSON.stringify({
        call_id: callId, suggestion_id: suggestionId, action: action, edited_text: editedText || "",
      }),
    });
    return response.ok;
  }

  function renderCalls() {
    const box = $("calls");
    box.textContent = "";
    if (!calls.size) box.appendChild(el("p", "notice", "暂无通话"));
    for (const call of [...calls.values()].reverse()) {
      const item = el("div", "call" + (call.call_id === current ? " active" : ""));
      item.dataset.callId = call.call_id;
      item.appendChild(el("div", "", call.call_id));
      const state = call.ended_at ? "已结束" : "通话中";
      item.appendChild(el("div", "meta", `${call.line || ""} · ${call.caller || "未知号码"} · ${state}`));
      item.addEventListener("click", () => { pinned = current = call.call_id; render(); });
      box.appendChild(item);
    }
  }

  // Conversations handed over from the web chat or WeChat: what was asked and answered.
  function renderHandovers() {
    const box = $("handovers");
    box.textContent = "";
    if (!handovers.size) box.appendChild(el("p", "notice", "暂无转人工会话"));
    const channels = { web: "网页咨询", wechat: "微信公众号" };
    for (const h of [...handovers.values()].reverse()) {
      const item = el("details", "handover");
      const when = new Date(h.time).toLocaleString("zh-CN", { hour12: false });
      item.appendChild(el("summary", "", `${channels[h.channel] || h.channel} · ${when} · ${h.topic || h.category || "未识别主题"}`));
      if (h.category) item.appendChild(el("div", "meta", `类别:${h.category} · 建议承办:${h.department}`));
      const facts = Object.entries(h.facts || {}).map(([k, v]) => `${k}:${v}`).join(";");
      if (facts) item.appendChild(el("div", "meta", facts));
      for (const q of h.questions || []) item.appendChild(el("div", "line caller", "问:" + q));
      for (const a of h.answered || []) item.appendChild(el("div", "line agent", "已答:" + a));
      box.appendChild(item);
    }
  }

  // A time NLU resolved ("下周" → 2026-12-14T00:00:00+08:00) as an agent writes it down.
  function shownValue(value) {
    const time = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(String(value));
    if (!time) return value;
    const day = `${time[1]}年${Number(time[2])}月${Number(time[3])}日`;
    return time[4] === "00" && time[5] === "00" ? day : `${day} ${time[4]}:${time[5]}`;
  }

  function renderKv(box, pairs) {
    box.textContent = "";
    for (const [key, value] of pairs) {
      if (!value) continue;
      box.appendChild(el("dt", "", key));
      box.appendChild(el("dd", "", value));
    }
  }

  function suggestionCard(call, s) {
    const card = el("div", "card");
    card.dataset.suggestionId = s.id;
    const title = el("h3", "", s.title);
    title.appendChild(el("span", "badge " + (s.verified ? "ok" : "warn"), s.verified ? "已核实" : "未核实"));
    card.appendChild(title);
    card.appendChild(el("div", "text", s.text));
    card.appendChild(el("div", "source", `${s.source} · 责任部门:${s.department}`));
    const actions = el("div", "actions");
    const done = async (action, text) => {
      const ok = await feedback(call.call_id, s.id, action, text);
      card.classList.add("done");
      actions.textContent = "";
      const label = { used: "已采用并复制", edited: "已修改采用", rejected: "已标记不适用" }[action];
      actions.appendChild(el("span", "notice", ok ? label : "反馈未保存,请重试"));
    };
    const use = el("button", "use", "采用(复制)");
    use.type = "button";
    use.addEventListener("click", async () => { await copy(s.text); await done("used"); });
    const edit = el("button", "edit", "修改后采用");
    edit.type = "button";
    edit.addEventListener("click", () => {
      pinned = current = call.call_id; // keep this call on screen while the agent edits
      const area = el("textarea");
      area.value = s.text;
      const save = el("button", "save", "保存并复制");
      save.type = "button";
      save.addEventListener("click", async () => { await copy(area.value); await done("edited", area.value); area.remove(); });
      actions.textContent = "";
      card.appendChild(area);
      actions.appendChild(save);
    });
    const reject = el("button", "reject", "不适用");
    reject.type = "button";
    reject.addEventListener("click", () => done("rejected"));
    actions.append(use, edit, reject);
    card.appendChild(actions);
    return card;
  }

  // The category list, then the agent's choice: pinned, the caller's words no longer move it.
  async function loadCategories() {
    const response = await staff.request("/api/agent/categories");
    if (!response.ok) return;
    const select = $("category");
    for (const [key, label] of Object.entries(await response.json())) {
      const option = el("option", "", label);
      option.value = key;
      select.appendChild(option);
    }
    select.addEventListener("change", async () => {
      if (!current) return;
      const response = await staff.request(`/api/agent/calls/${encodeURIComponent(current)}/category`, {
        method: "POST", body: JSON.stringify({ category: select.value }),
      });
      $("status").textContent = response.ok ? " · 类别已更新" : " · 类别未保存,请重试";
    });
  }

  async function chooseDepartment(department) {
    const response = await staff.request(`/api/agent/calls/${encodeURIComponent(current)}/department`, {
      method: "POST", body: JSON.stringify({ department: department }),
    });
    $("status").textContent = response.ok ? " · 承办单位已更新" : " · 承办单位未保存,请重试";
  }

  // The summary box: filled from the draft unless the agent is writing in it.
  let summaryDirty = false;
  async function saveSummary(text) {
    const response = await staff.request(`/api/agent/calls/${encodeURIComponent(current)}/summary`, {
      method: "POST", body: JSON.stringify({ summary: text }),
    });
    if (response.ok) summaryDirty = false;
    $("status").textContent = response.ok ? " · 摘要已保存" : " · 摘要未保存,请重试";
  }

  function renderSummary(order) {
    const box = $("summary");
    if (!summaryDirty && document.activeElement !== box) box.value = order.summary || "";
    $("summary-reset").hidden = !order.summary_edited;
    const composed = $("summary-composed");
    composed.hidden = !order.summary_edited;
    composed.textContent = order.summary_edited ? "系统摘要:" + (order.summary_composed || "") : "";
  }

  function renderRunnersUp(order) {
    const box = $("runners-up");
    box.textContent = "";
    for (const choice of order.runners_up || []) {
      const button = el("button", "runner-up", `改派:${choice.department}(${Math.round(choice.score * 100)}%)`);
      button.type = "button";
      button.addEventListener("click", () => chooseDepartment(choice.department));
      box.appendChild(button);
    }
    if (order.department_pinned) {
      const reset = el("button", "runner-up", "恢复系统建议");
      reset.type = "button";
      reset.addEventListener("click", () => chooseDepartment(""));
      box.appendChild(reset);
    }
  }

  // The same number's earlier work orders (matched by a keyed hash of the number on the server).
  function renderEarlier(orders) {
    $("earlier").hidden = !orders.length;
    const list = $("earlier-list");
    list.textContent = "";
    for (const order of orders) {
      const item = el("li", "earlier-order");
      const when = new Date(order.started_at).toLocaleString("zh-CN", { hour12: false });
      item.appendChild(el("div", "", `${when} · ${order.category || "未分类"} · ${order.status}`));
      item.appendChild(el("div", "meta", `${order.department || "未定承办单位"}:${order.summary || ""}`));
      list.appendChild(item);
    }
  }

  function render() {
    renderCalls();
    const call = calls.get(current);
    if (!call) return;
    $("call-title").textContent = `实时转写 · ${call.call_id}${call.ended_at ? "(已结束)" : ""}`;
    const transcript = $("transcript");
    transcript.textContent = "";
    for (const line of call.transcript) {
      const row = el("div", "line " + line.speaker);
      row.appendChild(el("span", "who", line.speaker === "caller" ? "来电人" : "坐席"));
      row.appendChild(document.createTextNode(line.text));
      transcript.appendChild(row);
    }
    transcript.scrollTop = transcript.scrollHeight;
    renderEarlier(call.earlier || []);
    const assist = call.assist;
    const box = $("suggestions");
    const next = $("next");
    next.hidden = !(assist && assist.next_question);
    next.textContent = assist && assist.next_question ? "建议追问:" + assist.next_question : "";
    // Redraw the cards only when the suggestions changed, so an agent's half-written edit
    // survives the agent's own transcript lines arriving.
    const callerLines = call.transcript.filter((line) => line.speaker === "caller").length;
    const key = JSON.stringify([call.call_id, callerLines, assist ? assist.suggestions.map((s) => s.id) : []]);
    if (key !== shownSuggestions) {
      shownSuggestions = key;
      box.textContent = "";
      if (!assist || !assist.suggestions.length) {
        box.appendChild(el("p", "notice", assist ? "知识库中没有合适的答案,请按工单流程记录。" : "来电人说话后显示建议"));
      } else {
        assist.suggestions.forEach((s) => box.appendChild(suggestionCard(call, s)));
      }
    }
    const labels = { enterprise_name: "企业名称", uscc: "信用代码", city: "城市", district: "区县",
      case_number: "工单号/案号", service_item: "事项", time: "时间", phone: "电话",
      id_number: "身份证号", appointment_id: "预约编号" };
    renderKv($("entities"), Object.entries((assist && assist.entities) || {}).map(([k, v]) => [labels[k] || k, shownValue(v)]));
    const order = (assist && assist.work_order) || {};
    $("category").value = call.pinned || "";
    renderKv($("workorder"), [
      ["类别", order.category ? order.category + (order.pinned ? "(坐席锁定)" : "") : ""], ["承办单位", order.department ? order.department + (order.department_pinned ? "(坐席选定)" : `(置信度 ${Math.round((order.department_confidence || 0) * 100)}%)`) : ""],
      ["紧急程度", order.urgency], ["待补充", (order.missing || []).join("、")],
    ]);
    renderRunnersUp(order);
    renderSummary(order);
  }

  function connect() {
    const source = new EventSource("/api/agent/events");
    source.onopen = () => { $("status").textContent = " · 已连接"; };
    source.onerror = () => { $("status").textContent = " · 连接中断,正在重连…"; };
    source.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "handover") {
        handovers.set(data.handover.id, data.handover);
        renderHandovers();
        return;
      }
      calls.set(data.call.call_id, data.call);
      const picked = pinned && calls.get(pinned);
      if (!pinned) {
        current = data.call.call_id;
      } else if (picked && picked.ended_at && data.type === "call") {
        pinned = current = data.call.call_id; // the agent's call ended and the next one began
      }
      if (data.call.call_id === current || data.type === "call") render(); else renderCalls();
    };
  }

  $("summary").addEventListener("input", () => { summaryDirty = true; });
  $("summary-save").addEventListener("click", () => saveSummary($("summary").value));
  $("summary-reset").addEventListener("click", () => saveSummary(""));
  staff.whoami().then(() => { loadCategories(); connect(); }, () => {});
})();
