// The trainer page: plain JS, no build step. User messages are inserted with textContent only.
"use strict";

const state = { status: "open", choices: null };
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await staff.request(path, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.message || "请求失败");
  return body;
}

function say(text) {
  $("message").hidden = !text;
  $("message").textContent = text;
}

function parseEntities(spec) {
  return spec.split(/[;；]/).map((s) => s.trim()).filter(Boolean).map((part) => {
    const [entity, text, value] = part.split("=").map((s) => s.trim());
    return { entity, text: text || "", value: value || "" };
  });
}

function intentSelect(current) {
  const select = el("select", { name: "intent" }, [el("option", { value: "", textContent: "选择意图" })]);
  for (const intent of state.choices.intents) {
    select.append(el("option", { value: intent.name, textContent: `${intent.label} (${intent.name})`, selected: intent.name === current }));
  }
  return select;
}

function kbSelect(current) {
  const select = el("select", { name: "kb_entry" }, [el("option", { value: "", textContent: "知识条目(可选)" })]);
  for (const entry of state.choices.knowledge) {
    select.append(el("option", { value: entry.id, textContent: `${entry.title} (${entry.id})`, selected: entry.id === current }));
  }
  return select;
}

// The conversation the item was last seen in: the turns before it, it, and the answer given.
function conversation(item) {
  const seen = item.conversation;
  if (!seen || !seen.context.length) return el("div", { className: "conv none", textContent: "(没有保存对话上下文,如坐席反馈)" });
  const turns = seen.context.map((turn) => el("div", {
    className: `turn ${turn.role}${turn.current ? " current" : ""}`,
  }, [el("span", { className: "who", textContent: turn.role === "user" ? "用户" : "助手" }), el("span", { textContent: turn.text })]));
  const ranking = seen.ranking.map((r) => `${r.name} ${Number(r.confidence).toFixed(2)}`).join(" · ");
  const more = item.conversations > 1 ? ` · 共出现在 ${item.conversations} 段对话中` : "";
  return el("div", { className: "conv" }, [
    ...turns,
    el("div", { className: "meta ranking", textContent: `意图排名:${ranking || "(无)"}${seen.declined ? " · 助手未给出具体答复" : ""}${more}` }),
  ]);
}

async function decide(item, path, body, done, error) {
  error.textContent = "";
  try {
    await api(`/api/trainer/items/${item.id}/${path}`, { method: "POST", body: JSON.stringify(body) });
    say(done);
    await refresh();
  } catch (e) { error.textContent = e.message; }
}

function itemRow(item) {
  const error = el("div", { className: "error", role: "alert" });
  const entities = el("input", {
    name: "entities", className: "entities", placeholder: "实体(可选):类型=原文[=标准值],多个用分号隔开",
    value: item.label_entities.map((e) => [e.entity, e.text, e.value].filter(Boolean).join("=")).join("; "),
  });
  const form = el("form", {}, [
    intentSelect(item.label_intent), kbSelect(item.label_kb_entry), entities,
    el("button", { type: "submit", className: "primary", textContent: "保存标注" }),
    el("button", { type: "button", className: "followup", textContent: "追问(转对话用例)" }),
    el("button", { type: "button", className: "gap", textContent: "知识缺口" }),
    el("button", { type: "button", className: "dismiss", textContent: "忽略" }),
    error,
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { intent: form.intent.value, kb_entry: form.kb_entry.value, entities: parseEntities(entities.value) };
    try {
      await api(`/api/trainer/items/${item.id}/label`, { method: "POST", body: JSON.stringify(body) });
      say(`第 ${item.id} 条已标注,点击“应用全部已标注”写入训练数据`);
      await refresh();
    } catch (e) { error.textContent = e.message; }
  });
  form.querySelector(".dismiss").addEventListener("click", () => decide(item, "dismiss", {}, `第 ${item.id} 条已忽略`, error));
  form.querySelector(".followup").addEventListener("click", () =>
    decide(item, "followup", {}, `第 ${item.id} 条已作为追问写入开发对话用例`, error));
  form.querySelector(".gap").addEventListener("click", () =>
    decide(item, "knowledge-gap", {}, `第 ${item.id} 条已列入知识缺口,见“知识缺口”页`, error));
  const label = item.label_intent || item.label_kb_entry;
  const meta = `${item.reason_labels.join("、")} · 出现 ${item.count} 次 · 置信度 ${item.confidence.toFixed(2)} · ${item.status_label}` +
    (label ? ` → ${label}` : "") + (item.note ? ` · ${item.note}` : "");
  return el("div", { className: "item", id: `item-${item.id}` }, [
    el("div", {}, [el("div", { className: "text", textContent: item.text }), el("div", { className: "meta", textContent: meta }), conversation(item)]),
    item.status === "applied" ? el("div") : form,  // written to the data: nothing left to change
  ]);
}

async function refresh() {
  const data = await api(`/api/trainer/items?status=${state.status}`);
  $("counts").textContent = Object.entries(state.choices.statuses).map(([k, v]) => `${v} ${data.counts[k] || 0}`).join(" · ");
  const labels = Object.fromEntries(state.choices.intents.map((i) => [i.name, i.label]));
  $("groups").replaceChildren(...(data.groups.length ? data.groups.map((group) => el("section", { className: "group" }, [
    el("h2", { textContent: `模型预测:${labels[group.intent] || group.intent || "(无)"} ${group.intent} · ${group.items.length} 条` }),
    ...group.items.map(itemRow),
  ])) : [el("p", { className: "notice", textContent: "这里没有消息" })]));
  const audit = await api("/api/trainer/audit?limit=30");
  $("audit").replaceChildren(...audit.map((a) => el("tr", {}, [
    el("td", { textContent: new Date(a.at).toLocaleString("zh-CN") }), el("td", { textContent: a.action }),
    el("td", { textContent: a.item_id ?? "" }), el("td", { textContent: a.actor }), el("td", { textContent: a.detail }),
  ])));
}

function renderTabs() {
  $("tabs").replaceChildren(...Object.entries(state.choices.statuses).map(([status, label]) => {
    const button = el("button", { type: "button", textContent: label, className: status === state.status ? "active" : "" });
    button.addEventListener("click", async () => { state.status = status; renderTabs(); await refresh(); });
    return button;
  }));
}

async function start() {
  await staff.whoami();
  try {
    state.choices = await api("/api/trainer/choices");
  } catch (e) {
    say(e.message);
    return;
  }
  $("app").hidden = false;
  renderTabs();
  await refresh();
}

$("export").addEventListener("click", async () => {
  try { say((await api("/api/trainer/export", { method: "POST" })).message); await refresh(); } catch (e) { say(e.message); }
});
$("apply").addEventListener("click", async () => {
  try {
    const result = await api("/api/trainer/apply", { method: "POST", body: "{}" });
    const lines = result.outcomes.map((o) => [`[${o.item_id}] ${o.text}:${o.message}`, ...o.warnings.map((w) => `  警告:${w}`)].join("\n"));
    say([...lines, result.summary].join("\n"));
    await refresh();
  } catch (e) { say(e.message); }
});
start();
