/** Turns form text into the YAML value to store: numbers stay numbers, "" removes the field. */
export function fieldValue(text: string): string | number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

export function inputText(event: Event): string {
  return (event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;
}
