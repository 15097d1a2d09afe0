/** A column of one of the window's tables. */
export interface ColumnSpec {
  readonly label: string;
  /** Right-aligned, for numbers. */
  readonly numeric?: boolean;
  /** Said to screen readers only (e.g. the action-button column). */
  readonly hidden?: boolean;
}

/** The header row every table of the window shares. */
export function TableHead(props: { readonly columns: readonly ColumnSpec[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((column) => (
          <th key={column.label} scope="col" className={column.numeric ? 'num' : undefined}>
            {column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The one row a table shows while it has nothing to list. */
export function EmptyRow(props: { readonly columns: number; readonly text: string }) {
  return (
    <tr>
      <td colSpan={props.columns} className="empty">
        {props.text}
      </td>
    </tr>
  );
}
