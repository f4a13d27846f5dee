// Reads what a visitor drops on the "bring your own model" zone: loose files, or a whole
// folder (its files, one level of sub-folders deep is enough for a Hugging Face model
// folder; deeper ones are read too). The entries must be taken while the drop event is
// being handled, so this runs synchronously up to the first await.
// Used by src/components/model_loader.rs through globalThis.attnscopeDroppedFiles.

function entryFiles(entry) {
  if (entry.isFile) return new Promise((resolve, reject) => entry.file((f) => resolve([f]), reject));
  if (!entry.isDirectory) return Promise.resolve([]);
  const reader = entry.createReader();
  // readEntries returns at most about 100 entries a call: read until it returns none.
  const batch = () => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  return (async () => {
    const files = [];
    for (let entries = await batch(); entries.length; entries = await batch()) {
      for (const child of entries) files.push(...await entryFiles(child));
    }
    return files;
  })();
}

globalThis.attnscopeDroppedFiles = (dataTransfer) => {
  const entries = Array.from(dataTransfer?.items ?? [])
    .map((item) => (item.kind === 'file' && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
    .filter(Boolean);
  if (!entries.length) return Promise.resolve(Array.from(dataTransfer?.files ?? []));
  return Promise.all(entries.map(entryFiles)).then((lists) => lists.flat());
};
