/** Toolkit inputs used by several panels: a text field and a checkbox, wired to a callback. */

export function textField(placeholder: string, value: string, onInput: (value: string) => void): HTMLElement {
  const field = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  field.setAttribute('placeholder', placeholder);
  field.setAttribute('aria-label', placeholder);
  field.value = value;
  field.addEventListener('input', () => onInput(field.value));
  return field;
}

export function checkbox(label: string, checked: boolean, onChange: (on: boolean) => void): HTMLElement {
  const box = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  box.textContent = label;
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  return box;
}
