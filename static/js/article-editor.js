// The article editor in the admin: the preview beside the text, checks as you
// type, and images with alt text. No inline script or style: the CSP forbids them.
(function () {
  "use strict";

  // The admin loads form media in <head>: wait for the form.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
  var config = document.getElementById("article-editor");
  var editor = document.querySelector(".field-body textarea.markdownx-editor");
  if (!config || !editor) return;
  var markdownx = editor.closest(".markdownx");
  var preview = markdownx.querySelector(".markdownx-preview");

  function csrfToken() {
    var input = document.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function post(url, fields) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    Object.keys(fields).forEach(function (name) {
      data.append(name, fields[name]);
    });
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    });
  }

  // --- The preview beside the editor (a toggle on narrow screens) ----------

  var side = element("div", { class: "editor-side", id: "editor-side" });
  var previewHeading = element("h2", { class: "editor-side-heading" }, "Preview (as patients will see it)");
  preview.setAttribute("aria-label", "Preview");
  markdownx.classList.add("editor-split");
  markdownx.appendChild(side);
  var checks = element("section", { class: "editor-checks", "aria-labelledby": "editor-checks-title" });
  side.appendChild(checks);
  side.appendChild(previewHeading);
  side.appendChild(preview);

  var toggle = element("button", { type: "button", class: "preview-toggle", "aria-controls": "editor-side" });
  markdownx.parentNode.insertBefore(toggle, markdownx);
  var narrow = window.matchMedia("(max-width: 1099px)");
  function showSide(shown) {
    side.classList.toggle("is-collapsed", !shown);
    toggle.setAttribute("aria-expanded", shown ? "true" : "false");
    toggle.textContent = shown ? "Hide preview and checks" : "Show preview and checks";
  }
  toggle.addEventListener("click", function () {
    showSide(side.classList.contains("is-collapsed"));
  });
  function fitScreen() {
    showSide(!narrow.matches);
  }
  narrow.addEventListener("change", fitScreen);
  fitScreen();

  // --- Checks as you type: readability and dose numbers, from the server -----

  var checksTitle = element("h2", { id: "editor-checks-title" }, "Checks as you type");
  var checksBody = element("div", { "aria-live": "polite", class: "editor-checks-body" }, "Checking…");
  checks.appendChild(checksTitle);
  checks.appendChild(checksBody);

  function list(items, render) {
    var ul = element("ul");
    items.forEach(function (item) {
      var li = element("li");
      render(li, item);
      ul.appendChild(li);
    });
    return ul;
  }

  function showChecks(result) {
    checksBody.textContent = "";
    var grade = element("p", { class: result.grade > 8 ? "check-warning" : "check-ok" });
    grade.appendChild(document.createTextNode("Reading grade "));
    grade.appendChild(element("strong", {}, String(result.grade)));
    grade.appendChild(
      document.createTextNode(
        " (aim for 8 or lower) · reading ease " + result.reading_ease + " · " + result.words +
          " words · about " + result.minutes + " min to read"
      )
    );
    checksBody.appendChild(grade);
    if (result.doses.length) {
      checksBody.appendChild(
        element("p", { class: "check-warning" }, "Dose numbers (publishing is blocked until they go):")
      );
      checksBody.appendChild(
        list(result.doses, function (li, dose) {
          li.appendChild(document.createTextNode("…" + dose.before));
          li.appendChild(element("mark", {}, dose.match));
          li.appendChild(document.createTextNode(dose.after + "…"));
        })
      );
    }
    if (result.hard_paragraphs.length) {
      checksBody.appendChild(element("p", { class: "check-warning" }, "Paragraphs above grade 10:"));
      checksBody.appendChild(
        list(result.hard_paragraphs, function (li, paragraph) {
          li.textContent =
            "Grade " + paragraph.grade + ": the paragraph starting “" + paragraph.text.slice(0, 80) +
            (paragraph.text.length > 80 ? "…”" : "”");
        })
      );
    }
    if (result.hardest.length) {
      checksBody.appendChild(element("p", {}, "Hardest sentences:"));
      checksBody.appendChild(
        list(result.hardest, function (li, sentence) {
          li.textContent = "Grade " + sentence.grade + ": “" + sentence.text + "”";
        })
      );
    }
  }

  var checkTimer = null;
  var checkRound = 0;
  function checkSoon() {
    clearTimeout(checkTimer);
    // Debounced: one request once typing pauses, not one per key.
    checkTimer = setTimeout(function () {
      var round = ++checkRound;
      post(config.dataset.checksUrl, { content: editor.value })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (result) {
          if (round === checkRound) showChecks(result);
        })
        .catch(function () {
          if (round === checkRound) checksBody.textContent = "The checks could not run just now; they will try again as you type.";
        });
    }, 700);
  }
  editor.addEventListener("input", checkSoon);
  checkSoon();

  // --- Images: from the library or uploaded, always with alt text ------------

  var dialog = element("dialog", { class: "image-dialog", "aria-labelledby": "image-dialog-title" });
  dialog.innerHTML =
    '<h2 id="image-dialog-title">Insert an image</h2>' +
    '<p class="image-error errornote" role="alert" hidden></p>' +
    '<div class="image-field"><label for="image-file">Upload a new image (PNG or JPEG, up to 5 MB)</label>' +
    '<input type="file" id="image-file" accept="image/png,image/jpeg"></div>' +
    '<fieldset class="image-library"><legend>Or reuse an image from the library</legend>' +
    '<ul class="image-library-list"></ul></fieldset>' +
    '<div class="image-field"><label for="image-alt">Alt text (required)</label>' +
    '<p class="help" id="image-alt-help">What the image shows, in one plain sentence, for people who cannot see it.</p>' +
    '<input type="text" id="image-alt" maxlength="300" aria-describedby="image-alt-help" required></div>' +
    '<div class="submit-row"><button type="button" class="default" data-action="insert">Insert image</button> ' +
    '<button type="button" data-action="cancel">Cancel</button></div>';
  document.body.appendChild(dialog);
  var fileInput = dialog.querySelector("#image-file");
  var altInput = dialog.querySelector("#image-alt");
  var errorBox = dialog.querySelector(".image-error");
  var libraryList = dialog.querySelector(".image-library-list");
  var chosen = null;
  var insertAt = 0;

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function loadLibrary() {
    fetch(config.dataset.imageLibraryUrl, { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        libraryList.textContent = "";
        if (!data.images.length) libraryList.appendChild(element("li", {}, "No images uploaded yet."));
        data.images.forEach(function (image) {
          var id = "library-image-" + image.id;
          var li = element("li");
          var radio = element("input", { type: "radio", name: "library-image", id: id, value: image.url });
          radio.addEventListener("change", function () {
            chosen = image;
            fileInput.value = "";
            altInput.value = image.alt_text;
          });
          var label = element("label", { for: id });
          label.appendChild(element("img", { src: image.url, alt: "" }));
          label.appendChild(document.createTextNode(image.alt_text));
          li.appendChild(radio);
          li.appendChild(label);
          libraryList.appendChild(li);
        });
      });
  }

  function openDialog(files) {
    insertAt = editor.selectionStart;
    chosen = null;
    altInput.value = "";
    showError("");
    fileInput.value = "";
    if (files && files.length) fileInput.files = files;
    loadLibrary();
    dialog.showModal();
    (files && files.length ? altInput : fileInput).focus();
  }

  function insertMarkdown(alt, url) {
    var text = "![" + alt.replace(/[\[\]]/g, "") + "](" + url + ")";
    editor.value = editor.value.slice(0, insertAt) + text + editor.value.slice(insertAt);
    editor.selectionStart = editor.selectionEnd = insertAt + text.length;
    // markdownx and the checks listen for input: the preview follows.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
    dialog.close();
    editor.focus();
  }

  fileInput.addEventListener("change", function () {
    chosen = null;
    libraryList.querySelectorAll("input").forEach(function (radio) {
      radio.checked = false;
    });
  });

  dialog.addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-action");
    if (action === "cancel") dialog.close();
    if (action !== "insert") return;
    var alt = altInput.value.trim();
    if (!fileInput.files.length && !chosen) return showError("Choose an image to upload, or one from the library.");
    if (!alt) {
      showError("Write the alt text: people who cannot see the image hear it instead.");
      return altInput.focus();
    }
    if (chosen) return insertMarkdown(alt, chosen.url);
    event.target.disabled = true;
    post(config.dataset.imageLibraryUrl, { image: fileInput.files[0], alt_text: alt })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.message || "The image could not be uploaded.");
          insertMarkdown(alt, data.url);
        });
      })
      .catch(function (error) {
        // A plain message in the dialog; the text of the article is untouched.
        showError(error.message.indexOf("JSON") === -1 ? error.message : "The image could not be uploaded.");
      })
      .finally(function () {
        event.target.disabled = false;
      });
  });

  var insertButton = element("button", { type: "button", class: "insert-image" }, "Insert image…");
  insertButton.addEventListener("click", function () {
    openDialog(null);
  });
  markdownx.parentNode.insertBefore(insertButton, markdownx);

  // Dropped or pasted files go through the dialog (alt text first), never
  // through markdownx's own upload, which writes "Invalid response" into the text on failure.
  function takeFiles(event) {
    var files = (event.dataTransfer || event.clipboardData || {}).files;
    if (!files || !files.length) return;
    event.preventDefault();
    event.stopPropagation();
    openDialog(files);
  }
  markdownx.addEventListener("drop", takeFiles, true);
  markdownx.addEventListener("paste", takeFiles, true);

  // --- The error summary takes focus, so it is read first ------------------
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  }
})();
