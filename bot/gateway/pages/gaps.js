// The knowledge-gap list: plain JS, no build step. Questions are inserted with textContent only.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

const when = (iso) => new Date(iso).toLocaleString("zh-CN");

function conversation(seen) {
  const turns = seen.context.map((turn) => el("div", {
    className: `turn ${turn.role}${turn.current ? " current" : ""}`,
    textContent: `${turn.role === "user" ? "用户" : "助手"}:${turn.text}`,
  }));
  return el("details", {}, [
    el("summary", { textContent: `对话 ${seen.conversation || "(坐席反馈)"} · ${when(seen.seen_at)}` }),
    el("div", { className: "conv" }, turns),
  ]);
}

function groupCard(group) {
  return el("section", { className: "group" }, [
    el("h2", { textContent: group.question }),
    el("div", { className: "meta", textContent: `提问 ${group.count} 次 · 首次 ${when(group.first_seen)} · 最近 ${when(group.last_seen)}` }),
    ...group.items.map((item) => el("div", { className: "question" }, [
      el("div", { textContent: `[${item.id}] ${item.text} ×${item.count}` }),
      ...item.conversations.map(conversation),
    ])),
  ]);
}

async function start() {
  await staff.whoami();
  const response = await staff.request("/api/trainer/gaps");
  const body = await response.json();
  if (!response.ok) {
    $("message").hidden = false;
    $("message").textContent = body.message || "请求失败";
    return;
  }
  $("app").hidden = false;
  $("summary").textContent = `共 ${body.groups.length} 组`;
  $("groups").replaceChildren(...(body.groups.length ? body.groups.map(groupCard)
    : [el("p", { className: "notice", textContent: "目前没有知识缺口" })]));
}

start();
