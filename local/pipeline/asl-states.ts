/** The parts of an Amazon States Language (JSONPath) state the local runner and its tests read. */
export interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  ResultPath?: string | null;
  Catch?: { ResultPath?: string | null; Next: string }[];
  Branches?: AslStates[];
  ItemProcessor?: AslStates;
  Iterator?: AslStates;
}

export interface AslStates {
  StartAt: string;
  States: Record<string, AslState>;
}

/** Every state with its name, including those inside Parallel branches and Map processors (names are unique
 * across the whole definition, which is how the local runner's overrides are keyed). */
export function allStates(definition: AslStates): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]): [string, AslState][] => {
    const processor = state.ItemProcessor ?? state.Iterator;
    const nested = [...(state.Branches ?? []), ...(processor ? [processor] : [])];
    return [[name, state], ...nested.flatMap(allStates)];
  });
}

export interface TaskState {
  name: string;
  resource: string;
}

/** Every Task state and its Resource. */
export function taskStates(definition: AslStates): TaskState[] {
  return allStates(definition).flatMap(([name, state]) => (state.Type === 'Task' && state.Resource ? [{ name, resource: state.Resource }] : []));
}

/** The names of every Wait state. */
export function waitStates(definition: AslStates): string[] {
  return allStates(definition).flatMap(([name, state]) => (state.Type === 'Wait' ? [name] : []));
}

/**
 * The Tasks of a run that has work and meets no problem, in definition order (a Parallel's branches one after the
 * other). The definition's Choices default to that path (work to do, quarantine rate fine, Lambda-sized batch,
 * balanced); a poll loop's Default leads back to a state already passed, and there the first choice that leads
 * somewhere new is taken. Each Task counts once, however often a poll repeats it.
 */
export function successPathTasks(definition: AslStates): string[] {
  const tasks: string[] = [];
  const passed = new Set<string>();
  let name: string | undefined = definition.StartAt;
  while (name !== undefined && !passed.has(name)) {
    passed.add(name);
    const state: AslState = definition.States[name];
    if (state.Type === 'Task') tasks.push(name);
    for (const branch of state.Branches ?? []) tasks.push(...successPathTasks(branch));
    name = state.Type === 'Choice' ? [state.Default, ...(state.Choices ?? []).map((c) => c.Next)].find((n) => n !== undefined && !passed.has(n)) : state.Next;
  }
  return tasks;
}
