/**
 * The picker a cell's `openFile` shows under the cell: a file input, a
 * Cancel button and a line for problems. The chosen file's bytes go to the
 * worker (through the supervisor, which checks that the cell still waits);
 * a file that is too large is refused here and the picker stays, so the
 * reader can choose another.
 */
import { DOWNLOAD_MAX_BYTES, type PickedFile } from "../protocol";

/** What the worker asked for (a `fileRequest`). */
export interface FileRequest {
  accept: string;
  label: string;
}

/** The reader's answer: a file, or a refusal (Cancel). */
export type FileAnswer = { file: PickedFile } | { refused: string };

/** Builds the picker; `answer` is called once, with the file or the refusal. */
export function filePicker(doc: Document, cellId: string, request: FileRequest, answer: (reply: FileAnswer) => void): HTMLElement {
  const box = doc.createElement("div");
  box.className = "nb-file-request";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", `Cell ${cellId} asks for a file`);
  const label = doc.createElement("label");
  label.className = "nb-file-label";
  label.textContent = `${request.label} `;
  const input = doc.createElement("input");
  input.type = "file";
  if (request.accept) input.accept = request.accept;
  label.append(input);
  const cancel = doc.createElement("button");
  cancel.type = "button";
  cancel.className = "nb-button";
  cancel.textContent = "Cancel";
  const problem = doc.createElement("p");
  problem.className = "nb-file-problem";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  box.append(label, cancel, problem);

  let answered = false;
  const finish = (reply: FileAnswer) => {
    if (answered) return;
    answered = true;
    input.disabled = true;
    cancel.disabled = true;
    answer(reply);
  };
  cancel.addEventListener("click", () => finish({ refused: "no file was chosen (Cancel); run the cell again to choose one" }));
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > DOWNLOAD_MAX_BYTES) {
      problem.textContent = `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a cell can take at most ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB. Choose another file.`;
      problem.hidden = false;
      input.value = "";
      return;
    }
    problem.hidden = true;
    file.arrayBuffer().then(
      (buffer) => finish({ file: { name: file.name, bytes: new Uint8Array(buffer) } }),
      (error: unknown) => {
        problem.textContent = `${file.name} could not be read (${error instanceof Error ? error.message : String(error)}). Choose it again or another file.`;
        problem.hidden = false;
        input.value = "";
      },
    );
  });
  return box;
}
