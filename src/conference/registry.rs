//! Many conferences, and the rule that ties them together: a call is in at most one conference.

use super::{
    Conference, ConferenceError, ConferenceSettings, Outcome, Participant, ParticipantUpdate,
};
use crate::lookup::Lookup;

/// Every conference of an account, in creation order, with an index from call id to conference.
///
/// Terminated conferences stay listed (FreeClimb archives them; GET still returns them), and their ids are never
/// reused. Iteration goes through the creation-ordered list; the two indexes are hash maps used only for lookups
/// (never iterated), so outputs stay deterministic while a lookup costs one hash instead of a dozen string
/// comparisons at 100,000 calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conferences {
    list: Vec<Conference>,
    by_id: Lookup<String, usize>,
    call_to_conference: Lookup<String, usize>,
}

impl Conferences {
    /// No conferences.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an `empty` conference with id `id` (drawn by the caller from its seeded id generator).
    pub fn create(
        &mut self,
        id: String,
        settings: ConferenceSettings,
        by: &str,
    ) -> Result<Outcome, ConferenceError> {
        if self.by_id.contains_key(&id) {
            return Err(ConferenceError::DuplicateId(id));
        }
        let (conference, outcome) = Conference::create(id.clone(), settings, by);
        self.by_id.insert(id, self.list.len());
        self.list.push(conference);
        Ok(outcome)
    }

    /// Every conference, in creation order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Conference> + ExactSizeIterator {
        self.list.iter()
    }

    /// How many conferences there are, terminated ones included.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The conference with id `id`.
    pub fn get(&self, id: &str) -> Result<&Conference, ConferenceError> {
        self.index(id).map(|i| &self.list[i])
    }

    /// The conference the call `call_id` is in, if any.
    pub fn conference_of(&self, call_id: &str) -> Option<&Conference> {
        self.call_to_conference.get(call_id).map(|&i| &self.list[i])
    }

    fn index(&self, id: &str) -> Result<usize, ConferenceError> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| ConferenceError::UnknownConference(id.to_owned()))
    }

    /// Adds `participant` to conference `id`; refused while its call is in any conference.
    pub fn join(&mut self, id: &str, participant: Participant) -> Result<Outcome, ConferenceError> {
        let index = self.index(id)?;
        // Terminated first: leaving the other conference would not make this join possible.
        self.list[index].check_live()?;
        if let Some(&other) = self.call_to_conference.get(&participant.call_id) {
            return Err(ConferenceError::AlreadyInConference {
                call_id: participant.call_id,
                conference_id: self.list[other].id().to_owned(),
            });
        }
        let call_id = participant.call_id.clone();
        let outcome = self.list[index].join(participant)?;
        self.call_to_conference.insert(call_id, index);
        Ok(outcome)
    }

    /// Takes the call out of whichever conference it is in.
    pub fn leave(&mut self, call_id: &str) -> Result<Outcome, ConferenceError> {
        let index = self.index_of_call(call_id)?;
        let outcome = self.list[index].leave(call_id)?;
        self.call_to_conference.remove(call_id);
        Ok(outcome)
    }

    /// Takes the call out of conference `id`, refusing when it is not a participant there (REST DELETE).
    pub fn remove_participant(
        &mut self,
        id: &str,
        call_id: &str,
    ) -> Result<Outcome, ConferenceError> {
        let index = self.index(id)?;
        self.list[index].check_live()?;
        if self.call_to_conference.get(call_id) != Some(&index) {
            return Err(ConferenceError::NotAParticipant {
                call_id: call_id.to_owned(),
                conference_id: Some(id.to_owned()),
            });
        }
        self.leave(call_id)
    }

    /// Changes the privileges of the participant on `call_id` in conference `id`.
    pub fn update_participant(
        &mut self,
        id: &str,
        call_id: &str,
        update: ParticipantUpdate,
    ) -> Result<Outcome, ConferenceError> {
        let index = self.index(id)?;
        self.list[index].update_participant(call_id, update)
    }

    /// REST `status=empty` on conference `id`.
    pub fn empty_all(&mut self, id: &str, by: &str) -> Result<Outcome, ConferenceError> {
        let index = self.index(id)?;
        let outcome = self.list[index].empty_all(by)?;
        self.forget_calls(&outcome);
        Ok(outcome)
    }

    /// Terminates conference `id`; everyone in it is hung up.
    pub fn terminate(&mut self, id: &str, by: &str) -> Result<Outcome, ConferenceError> {
        let index = self.index(id)?;
        let outcome = self.list[index].terminate(by)?;
        self.forget_calls(&outcome);
        Ok(outcome)
    }

    fn index_of_call(&self, call_id: &str) -> Result<usize, ConferenceError> {
        self.call_to_conference
            .get(call_id)
            .copied()
            .ok_or_else(|| ConferenceError::NotAParticipant {
                call_id: call_id.to_owned(),
                conference_id: None,
            })
    }

    fn forget_calls(&mut self, outcome: &Outcome) {
        for p in &outcome.removed {
            self.call_to_conference.remove(&p.call_id);
        }
    }
}
