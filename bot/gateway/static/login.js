// Staff login: posts the name and password, then opens the page the person came for.
(function () {
  "use strict";
  const form = document.getElementById("login");
  const error = document.getElementById("login-error");

  // Only a path on this site: never send a person elsewhere after logging in.
  function next(home) {
    const wanted = new URLSearchParams(location.search).get("next") || "";
    return /^\/(?!\/)/.test(wanted) ? wanted : home;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      const response = await fetch("/api/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: form.name.value.trim(), password: form.password.value }),
      });
      const body = await response.json();
      if (!response.ok) {
        error.textContent = body.message || "登录失败,请稍后再试";
        return;
      }
      location.assign(next(body.home));
    } catch (e) {
      error.textContent = "网络异常,请检查网络后重试";
    }
  });
})();
