/**
 * Which cell depends on which, from the names each declares and reads.
 *
 * A name belongs to the first cell (in page order) that declares it; a cell
 * can only use names of cells above it. That rule makes cycles impossible and
 * gives every conflict a cell to report it on: the later of two declaring
 * cells, or the cell that reads a name declared further down.
 */

/** What the graph needs to know about one cell. */
export interface GraphCell {
  id: string;
  declarations: string[];
  references: string[];
}

/** A reason a cell cannot run as written, reported on that cell. */
export interface GraphProblem {
  message: string;
  /** The name at fault, so the error can point at it. */
  name: string;
}

export class CellGraph {
  private readonly order = new Map<string, number>();
  private readonly owners = new Map<string, string>();

  /** @param cells in page order */
  constructor(private readonly cells: readonly GraphCell[]) {
    cells.forEach((cell, index) => {
      this.order.set(cell.id, index);
      for (const name of cell.declarations) if (!this.owners.has(name)) this.owners.set(name, cell.id);
    });
  }

  /** The cell that declares `name`, if any. */
  ownerOf(name: string): string | undefined {
    return this.owners.get(name);
  }

  /** The names `cellId` reads from cells above it (its inputs), sorted. */
  inputsOf(cellId: string): string[] {
    const cell = this.cell(cellId);
    const index = this.order.get(cellId)!;
    return cell.references.filter((name) => {
      const owner = this.owners.get(name);
      return owner !== undefined && this.order.get(owner)! < index;
    });
  }

  /** The cells whose names `cellId` reads, in page order. */
  upstreamOf(cellId: string): string[] {
    const owners = new Set(this.inputsOf(cellId).map((name) => this.owners.get(name)!));
    return this.cells.map((c) => c.id).filter((id) => owners.has(id));
  }

  /** Why `cellId` cannot run (a name declared twice, a name from a later cell), or undefined. */
  problemOf(cellId: string): GraphProblem | undefined {
    const cell = this.cell(cellId);
    const index = this.order.get(cellId)!;
    for (const name of cell.declarations) {
      const owner = this.owners.get(name)!;
      if (owner !== cellId) {
        return { name, message: `"${name}" is already declared in cell "${owner}"; a name can be declared in only one cell (rename it here, or change it in "${owner}")` };
      }
    }
    for (const name of cell.references) {
      const owner = this.owners.get(name);
      if (owner !== undefined && this.order.get(owner)! > index) {
        return { name, message: `"${name}" is defined in a later cell ("${owner}"); a cell can only use names from the cells above it` };
      }
    }
    return undefined;
  }

  /**
   * `cellIds` and every cell that reads their names, directly or through
   * other cells, in page order. One forward pass suffices because a cell
   * only depends on cells above it.
   */
  downstream(cellIds: Iterable<string>): string[] {
    const changed = new Set(cellIds);
    const result: string[] = [];
    const dirtyNames = new Set<string>();
    for (const cell of this.cells) {
      const readsDirty = this.inputsOf(cell.id).some((name) => dirtyNames.has(name));
      if (changed.has(cell.id) || readsDirty) {
        result.push(cell.id);
        for (const name of cell.declarations) if (this.owners.get(name) === cell.id) dirtyNames.add(name);
      }
    }
    return result;
  }

  /** Page order of a cell (for sorting). */
  indexOf(cellId: string): number {
    const index = this.order.get(cellId);
    if (index === undefined) throw new Error(`no cell with id "${cellId}"`);
    return index;
  }

  private cell(cellId: string): GraphCell {
    return this.cells[this.indexOf(cellId)];
  }
}
