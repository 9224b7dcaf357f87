import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeProgram } from '../shared/engine/analyze';
import type { FaultlineConfig } from '../shared/engine/config';
import { CONFIG_FILE, loadConfigFile, parseConfig, type ConfigError } from '../shared/engine/config-file';
import { languageOf, parseSource } from '../shared/engine/frontends';
import { forgetParses, keptParseCount } from '../shared/frontends/incremental';
import type { ProfileSetting } from '../shared/engine/profile';
import type { Finding } from '../shared/engine/rule';
import {
  clearTerraformFolderCache,
  clearProjectCache,
  findPulumiRoot,
  groupPrograms,
  loadProgram,
  readFromDisk,
  terraformModuleFiles,
  type ProgramUnit,
} from '../shared/engine/workspace';
import type { Program } from '../shared/model/program';
import type { FileModel } from '../shared/model/types';

export interface Settings {
  enable: boolean;
  profile: ProfileSetting;
  run: 'onType' | 'onSave';
  rules: Record<string, 'critical' | 'high' | 'medium' | 'low' | 'off'>;
  debounceMs: number;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, profile: 'auto', run: 'onType', rules: {}, debounceMs: 150 };

/**
 * Documents larger than this are not analysed while typing: the editor analyses in its one thread, and 1 MB of dense
 * Terraform (19,000 resources) already takes seconds and ~100 MB. `faultline audit` takes files up to 5 MB, in
 * workers with a time budget.
 */
const MAX_DOCUMENT_CHARS = 1024 * 1024;

/** Parsed models of files not open in the editor kept for sibling analyses (least recently used go first). */
const MAX_CACHED_MODELS = 500;

/** The result of analysing one program: its findings grouped by file. */
export interface ProgramResult {
  program: Program;
  findings: Finding[];
  byFile: Map<string, Finding[]>;
}

/**
 * The server's view of the workspace: open buffers override the disk, parsed models are cached by text so only a
 * changed file is parsed again, and a program is rebuilt from cached models of its other files.
 */
export class Analysis {
  private readonly open = new Map<string, string>();
  private readonly models = new Map<string, { text: string; model: FileModel }>();
  private readonly configs = new Map<string, { config?: FaultlineConfig; errors: ConfigError[] }>();
  /** The last result per file, for hovers and code actions. */
  readonly results = new Map<string, ProgramResult>();

  constructor(
    public settings: Settings = DEFAULT_SETTINGS,
    public roots: string[] = [],
  ) {}

  setOpen(file: string, text: string): void {
    this.open.set(file, text);
  }

  close(file: string): void {
    this.open.delete(file);
    this.results.delete(file);
    // A closed buffer's model goes too (the disk text is parsed again if a sibling needs it): opening and closing
    // thousands of files must not keep thousands of models.
    this.models.delete(file);
    forgetParses(file);
  }

  /** What the server holds, for `faultline.server.status`. */
  counts(): { open: number; models: number; results: number; configs: number; parses: number } {
    return {
      open: this.open.size,
      models: this.models.size,
      results: this.results.size,
      configs: this.configs.size,
      parses: keptParseCount(),
    };
  }

  isOpen(file: string): boolean {
    return this.open.has(file);
  }

  openFiles(): string[] {
    return [...this.open.keys()];
  }

  /** A file changed or was deleted on disk: forget its cached model (and project roots if a Pulumi.yaml moved). */
  invalidate(file: string): void {
    this.models.delete(file);
    const base = path.basename(file);
    if (base === 'Pulumi.yaml' || base === 'Pulumi.yml') clearProjectCache();
    if (base === CONFIG_FILE) this.configs.delete(path.dirname(file));
    // A Terraform file created, deleted or saved may add a module call, a var-file or a JSON file: read folders afresh.
    if (base.endsWith('.tf') || base.endsWith('.tfvars') || base.endsWith('.tf.json')) clearTerraformFolderCache();
  }

  read = (file: string): string | undefined => this.open.get(file) ?? readFromDisk(file);

  parse = (file: string, text: string): FileModel => {
    const cached = this.models.get(file);
    if (cached && cached.text === text) {
      // most recently used last, so the eviction below drops the coldest models
      this.models.delete(file);
      this.models.set(file, cached);
      return cached.model;
    }
    const model = parseSource(file, text);
    // Only open buffers are edited, so only their parses are worth keeping for incremental parsing.
    if (!this.open.has(file)) forgetParses(file);
    this.models.delete(file);
    this.models.set(file, { text, model });
    if (this.models.size > MAX_CACHED_MODELS) {
      for (const f of this.models.keys()) {
        if (this.models.size <= MAX_CACHED_MODELS) break;
        if (!this.open.has(f) && f !== file) this.models.delete(f);
      }
    }
    return model;
  };

  /** The workspace root that holds `file` (for faultline.json), or its folder. */
  rootOf(file: string): string {
    const root = this.roots.filter((r) => file.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
    return root ?? path.dirname(file);
  }

  config(file: string): { config?: FaultlineConfig; errors: ConfigError[]; path: string } {
    const root = this.rootOf(file);
    const cfgPath = path.join(root, CONFIG_FILE);
    let entry = this.configs.get(root);
    if (!entry) {
      const open = this.open.get(cfgPath);
      entry = open !== undefined ? parseConfig(open, cfgPath) : fs.existsSync(cfgPath) ? loadConfigFile(cfgPath) : { errors: [] };
      this.configs.set(root, entry);
    }
    return { ...entry, path: cfgPath };
  }

  configChanged(file: string, text: string | undefined): void {
    const root = path.dirname(file);
    this.configs.set(root, text === undefined ? { errors: [] } : parseConfig(text, file));
  }

  /** The program unit a file belongs to: its Terraform module folder, its Pulumi project, or itself. */
  unitOf(file: string): ProgramUnit | undefined {
    const lang = languageOf(file);
    if (!lang) return undefined;
    if (lang === 'terraform') {
      const dir = path.dirname(file);
      const siblings = new Set<string>([file, ...terraformModuleFiles(dir)]);
      for (const f of this.open.keys()) if (path.dirname(f) === dir && languageOf(f) === 'terraform') siblings.add(f);
      return { kind: 'terraform-module', root: dir, files: [...siblings].filter((f) => this.open.has(f) || fs.existsSync(f)).sort() };
    }
    const root = findPulumiRoot(path.dirname(file));
    return groupPrograms([file])[0] && root ? { kind: 'pulumi-project', root, files: [file] } : { kind: 'file', root: file, files: [file] };
  }

  /** Analyses the program of `file`; returns the findings of every file of that program. */
  analyze(file: string): ProgramResult | undefined {
    const unit = this.unitOf(file);
    if (!unit) return undefined;
    const text = this.read(file);
    if (text !== undefined && text.length > MAX_DOCUMENT_CHARS) return this.tooLarge(file, unit, text.length);
    // Cheap bail-out: a script that never mentions Pulumi is not a Pulumi program.
    if (unit.kind !== 'terraform-module' && text !== undefined && !text.includes('pulumi')) {
      const empty: ProgramResult = {
        program: loadProgram({ ...unit, files: [] }, this.read, this.parse),
        findings: [],
        byFile: new Map([[file, []]]),
      };
      this.results.set(file, empty);
      return empty;
    }
    const program = loadProgram(
      { ...unit, files: unit.files.filter((f) => f === file || (this.read(f)?.length ?? 0) <= MAX_DOCUMENT_CHARS) },
      this.read,
      this.parse,
    );
    const { config } = this.config(file);
    const merged: FaultlineConfig = { ...config, rules: { ...config?.rules, ...this.settings.rules } };
    const profile = this.settings.profile !== 'auto' ? this.settings.profile : config?.profile;
    const findings = analyzeProgram(program, { config: merged, profile });
    const byFile = new Map<string, Finding[]>(program.files.map((f) => [f.path, []]));
    for (const f of findings) byFile.get(f.loc.file)?.push(f);
    const result: ProgramResult = { program, findings, byFile };
    for (const f of program.files) if (this.open.has(f.path)) this.results.set(f.path, result);
    this.results.set(file, result);
    return result;
  }

  /** One information diagnostic instead of an analysis that could stall the editor. */
  private tooLarge(file: string, unit: ProgramUnit, chars: number): ProgramResult {
    const zero = { line: 0, character: 0 };
    const finding: Finding = {
      ruleId: 'analysis-timeout',
      severity: 'low',
      message: `this file has ${(chars / 1024 / 1024).toFixed(1)} MB of text; Faultline analyses files up to 1 MB while typing (\`faultline audit\` takes files up to 5 MB)`,
      loc: { file, start: 0, end: 0, range: { start: zero, end: zero } },
    };
    const result: ProgramResult = {
      program: loadProgram({ ...unit, files: [] }, this.read, this.parse),
      findings: [finding],
      byFile: new Map([[file, [finding]]]),
    };
    this.results.set(file, result);
    return result;
  }
}
