// Story and report forms. Without JavaScript everything still works: the limits
// are in the hint text and the server checks them. This only adds conveniences.
(function () {
  "use strict";

  // After a failed submission, move focus to the list of problems so it is read first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  var box = document.getElementById("id_text");
  var counter = document.getElementById("id_text_count");
  var announcer = document.getElementById("id_text_count_live");
  if (!box || !counter || !announcer) {
    return;
  }
  var min = Number(box.getAttribute("data-min-length"));
  var max = Number(box.getAttribute("data-max-length"));
  var timer = null;

  function format(n) {
    return n.toLocaleString("en-GB");
  }

  function message(length) {
    if (length < min) {
      return "You have written " + format(length) + " characters. Please write at least " + format(min - length) + " more.";
    }
    if (length > max) {
      return "You have " + format(length - max) + " characters too many.";
    }
    return "You have " + format(max - length) + " characters left.";
  }

  function update(event) {
    // Count as the server does: line breaks as one character, spaces at the ends ignored.
    var length = box.value.replace(/\r\n/g, "\n").trim().length;
    counter.textContent = message(length);
    counter.classList.toggle("char-count-over", length > max);
    if (!event) {
      return;
    }
    // Screen readers hear the count once typing pauses, not after every key.
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      announcer.textContent = counter.textContent;
    }, 1000);
  }

  counter.hidden = false;
  box.addEventListener("input", update);
  update();
})();
