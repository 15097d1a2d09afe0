/** Why a trader's command was refused or failed, announced (role alert) beside its control. */
export function CommandFailure({ failure }: { readonly failure: string | null }) {
  return failure !== null ? (
    <p role="alert" className="inline-alert">
      {failure}
    </p>
  ) : null;
}
