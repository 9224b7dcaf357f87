import type { FileModel, FixIntent, TextEdit } from '../../model/types';
export function renderTypeScript(_intent: FixIntent, _file: FileModel): TextEdit[] | undefined {
  return undefined;
}
