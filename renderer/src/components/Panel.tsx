import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import type { PanelId } from '../store/layout-store.js';

/** A titled panel the trader can collapse; the choice is remembered across restarts. */
export function Panel(props: {
  readonly id: PanelId;
  readonly title: string;
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}) {
  const { layout } = useServices();
  const collapsed = useStore(layout, (l) => l.collapsed[props.id]);
  const bodyId = `panel-${props.id}-body`;
  return (
    <section
      className={`panel panel-${props.id}${collapsed ? ' collapsed' : ''}`}
      aria-labelledby={`panel-${props.id}-title`}
    >
      <header className="panel-header">
        <h2 id={`panel-${props.id}-title`}>
          <button
            type="button"
            className="panel-toggle"
            aria-expanded={!collapsed}
            aria-controls={bodyId}
            title={collapsed ? `Show ${props.title}` : `Collapse ${props.title}`}
            onClick={() => layout.toggle(props.id)}
          >
            <span aria-hidden="true" className="chevron">
              {collapsed ? '▸' : '▾'}
            </span>
            {props.title}
          </button>
        </h2>
        {props.actions !== undefined && !collapsed ? (
          <div className="panel-actions">{props.actions}</div>
        ) : null}
      </header>
      <div id={bodyId} className="panel-body" hidden={collapsed}>
        {props.children}
      </div>
    </section>
  );
}
