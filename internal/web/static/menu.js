// torg back office: the navigation's menu button, which opens and closes the menu on a narrow screen
// (on a wide one the menu is always shown and the button is hidden by the stylesheet).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("nav-toggle"), links = document.getElementById("nav-links");
  if (!button || !links) return;
  button.addEventListener("click", () => {
    const open = !links.classList.contains("open");
    links.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  });
});
