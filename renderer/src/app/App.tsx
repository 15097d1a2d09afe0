import { OrderBookPanel } from '../book/OrderBookPanel.js';
import { PriceChartPanel } from '../chart/PriceChartPanel.js';
import { ConnectionBanner, EngineHaltBanner } from '../components/Banners.js';
import { HealthBar } from '../components/HealthBar.js';
import { KillSwitch } from '../components/KillSwitch.js';
import { OrdersPanel } from '../components/OrdersPanel.js';
import { PositionsPanel } from '../components/PositionsPanel.js';
import { ReduceOnlySwitch } from '../components/ReduceOnlySwitch.js';
import { SignalsPanel } from '../components/SignalsPanel.js';
import { ParamHistoryPanel } from '../form/ParamHistoryPanel.js';
import { ParamsPanel } from '../form/ParamsPanel.js';
import { ReplayBadge, ReplayPanel } from '../replay/ReplayPanel.js';
import { AppContext, type AppServices } from './app-context.js';

/**
 * The trader's window. The kill switch and the health bar sit in the header, always in
 * view; banners say what the trader must know now; panels follow in tab order: book,
 * chart, parameters, then the tables.
 */
export function App(props: { readonly services: AppServices }) {
  return (
    <AppContext.Provider value={props.services}>
      <header className="app-header">
        <h1 className="app-title">Lockstep</h1>
        <KillSwitch />
        <ReduceOnlySwitch />
        <ReplayBadge />
        <HealthBar />
      </header>
      <div className="banners">
        <ConnectionBanner />
        <EngineHaltBanner />
      </div>
      <main className="app-main">
        <OrderBookPanel />
        <div className="center-column">
          <PriceChartPanel />
          <PositionsPanel />
          <OrdersPanel />
          <SignalsPanel />
        </div>
        <div className="side-column">
          <ReplayPanel />
          <ParamsPanel />
          <ParamHistoryPanel />
        </div>
      </main>
    </AppContext.Provider>
  );
}
